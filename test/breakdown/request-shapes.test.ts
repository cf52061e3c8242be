import { describe, expect, it } from 'vitest';

import { markContext } from '../../src/breakdown/context.js';
import { lengthMeasure, measurePrompt } from '../../src/breakdown/measure.js';
import { bedrockPrompt } from '../../src/instrumentation/bedrock/prompt.js';
import { geminiPrompt } from '../../src/instrumentation/google-genai/prompt.js';

// Lengths of JSON count 1.5 times in the default measure.
const JSON_WEIGHT = 1.5;

function measureGemini(params: Record<string, unknown>) {
  return measurePrompt(geminiPrompt(params), lengthMeasure());
}

function measureBedrock(request: Record<string, unknown>) {
  return measurePrompt(bedrockPrompt(request), lengthMeasure());
}

describe('geminiPrompt', () => {
  it('reads contents given as a string', () => {
    expect(measureGemini({ contents: 'Hello there' })).toEqual([
      { component: 'user_input', size: 'Hello there'.length },
    ]);
  });

  it('reads a list of parts as one user turn', () => {
    expect(
      measureGemini({
        contents: ['Describe ', { text: 'this image' }, { inlineData: {} }],
      }),
    ).toEqual([
      { component: 'user_input', size: 'Describe this image'.length },
    ]);
  });

  it('reads a single Content', () => {
    expect(
      measureGemini({ contents: { role: 'user', parts: [{ text: 'Hi' }] } }),
    ).toEqual([{ component: 'user_input', size: 2 }]);
  });

  it('reads each form of system instruction', () => {
    for (const systemInstruction of [
      'Be brief.',
      { text: 'Be brief.' },
      ['Be ', { text: 'brief.' }],
      { role: 'system', parts: [{ text: 'Be brief.' }] },
    ]) {
      expect(
        measureGemini({ contents: 'Hi', config: { systemInstruction } }),
      ).toEqual([
        { component: 'system', size: 'Be brief.'.length },
        { component: 'user_input', size: 2 },
      ]);
    }
  });

  it('sizes tools, model turns and function responses', () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather' }] }];
    const call = { name: 'get_weather', args: { city: 'Oslo' } };
    const response = { name: 'get_weather', response: { sky: 'clear' } };

    const segments = measureGemini({
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        {
          role: 'model',
          parts: [{ text: 'Checking.' }, { functionCall: call }],
        },
        { role: 'user', parts: [{ functionResponse: response }] },
      ],
      config: { tools },
    });

    expect(segments).toEqual([
      {
        component: 'tool_definitions',
        size: JSON.stringify(tools).length * JSON_WEIGHT,
      },
      { component: 'user_input', size: 'Weather?'.length },
      {
        component: 'history',
        size:
          'Checking.'.length +
          JSON.stringify({ name: 'get_weather', input: call.args }).length *
            JSON_WEIGHT,
      },
      { component: 'tool_results', size: JSON.stringify(response).length },
    ]);
  });

  it('keeps the context marks of contents and parts', () => {
    const segments = measureGemini({
      contents: [
        markContext({ role: 'user', parts: [{ text: 'Doc A' }] }),
        { role: 'user', parts: [markContext({ text: 'Doc B' }), 'Question'] },
      ],
    });

    expect(segments).toEqual([
      { component: 'context', size: 'Doc ADoc B'.length },
      { component: 'user_input', size: 'Question'.length },
    ]);
  });
});

describe('bedrockPrompt', () => {
  it('sizes a Converse agent loop by component', () => {
    const toolConfig = {
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: {} } } }],
    };
    const segments = measureBedrock({
      system: [{ text: 'Be brief.' }, { cachePoint: { type: 'default' } }],
      toolConfig,
      messages: [
        { role: 'user', content: [{ text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { name: 'get_weather', input: { city: 'Oslo' } } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              toolResult: {
                content: [{ text: 'Clear' }, { json: { degrees: 21 } }],
              },
            },
          ],
        },
      ],
    });

    expect(segments).toEqual([
      {
        component: 'tool_definitions',
        size: JSON.stringify(toolConfig.tools).length * JSON_WEIGHT,
      },
      { component: 'system', size: 'Be brief.'.length },
      { component: 'user_input', size: 'Weather?'.length },
      {
        component: 'history',
        size:
          JSON.stringify({ name: 'get_weather', input: { city: 'Oslo' } })
            .length * JSON_WEIGHT,
      },
      {
        component: 'tool_results',
        size: 'Clear'.length + JSON.stringify({ degrees: 21 }).length,
      },
    ]);
  });

  it('keeps the context marks of Converse blocks', () => {
    const segments = measureBedrock({
      messages: [
        {
          role: 'user',
          content: [markContext({ text: 'Doc A' }), { text: 'Question' }],
        },
      ],
    });

    expect(segments).toEqual([
      { component: 'context', size: 'Doc A'.length },
      { component: 'user_input', size: 'Question'.length },
    ]);
  });

  it('reads an Anthropic body as it is', () => {
    const body = {
      anthropic_version: 'bedrock-2023-05-31',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Classify this.' }] },
      ],
    };

    expect(measureBedrock(body)).toEqual(measurePrompt(body, lengthMeasure()));
  });

  it('reads a bare prompt as user input', () => {
    for (const body of [
      { prompt: '<s>[INST] Define p99. [/INST]' },
      { inputText: '<s>[INST] Define p99. [/INST]' },
    ]) {
      expect(measureBedrock(body)).toEqual([
        {
          component: 'user_input',
          size: '<s>[INST] Define p99. [/INST]'.length,
        },
      ]);
    }
  });

  it('reads a Cohere Command R request', () => {
    const documents = [{ title: 'SLOs', snippet: 'Availability and latency.' }];
    const segments = measureBedrock({
      preamble: 'Be brief.',
      documents,
      chat_history: [
        { role: 'USER', message: 'Hi' },
        { role: 'CHATBOT', message: 'Hello!' },
      ],
      message: 'Name two SLOs.',
    });

    expect(segments).toEqual([
      { component: 'system', size: 'Be brief.'.length },
      { component: 'context', size: JSON.stringify(documents[0]).length },
      { component: 'history', size: 'Hi'.length + 'Hello!'.length },
      { component: 'user_input', size: 'Name two SLOs.'.length },
    ]);
  });
});
