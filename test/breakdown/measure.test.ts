import { describe, expect, it } from 'vitest';

import { markContext } from '../../src/breakdown/context.js';
import {
  lengthMeasure,
  measureCompletion,
  measurePrompt,
} from '../../src/breakdown/measure.js';

// Lengths of JSON count 1.5 times in the default measure.
const JSON_WEIGHT = 1.5;

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object' } },
};

describe('measurePrompt', () => {
  it('sizes an OpenAI chat agent loop by component', () => {
    const segments = measurePrompt(
      {
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c1', function: { name: 'get_weather', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'Sunny' },
        ],
      },
      lengthMeasure(),
    );

    expect(segments).toEqual([
      {
        component: 'tool_definitions',
        size: JSON.stringify([WEATHER_TOOL]).length * JSON_WEIGHT,
      },
      { component: 'system', size: 'Be brief.'.length },
      { component: 'history', size: 'Hi'.length + 'Hello!'.length },
      { component: 'user_input', size: 'Weather in Oslo?'.length },
      {
        component: 'history',
        size:
          JSON.stringify([
            { id: 'c1', function: { name: 'get_weather', arguments: '{}' } },
          ]).length * JSON_WEIGHT,
      },
      { component: 'tool_results', size: 'Sunny'.length },
    ]);
  });

  it('attributes marked messages and parts to context', () => {
    const documents = 'Invoices go out on the first working day.';
    const segments = measurePrompt(
      {
        messages: [
          markContext({ role: 'user', content: documents }),
          {
            role: 'user',
            content: [
              markContext({ type: 'text', text: 'Doc B' }),
              { type: 'text', text: 'When are invoices sent?' },
            ],
          },
        ],
      },
      lengthMeasure(),
    );

    expect(segments).toEqual([
      { component: 'context', size: documents.length + 'Doc B'.length },
      { component: 'user_input', size: 'When are invoices sent?'.length },
    ]);
  });

  it('keeps the marker out of the JSON sent', () => {
    const message = markContext({ role: 'user', content: 'Doc' });

    expect(JSON.stringify(message)).toBe('{"role":"user","content":"Doc"}');
    expect(Object.keys(message)).toEqual(['role', 'content']);
  });

  it('finds registered context texts inside a template', () => {
    const documents = 'Support is open from 9:00 to 17:00.';
    const system = `Answer from this context: ${documents}`;
    const segments = measurePrompt(
      {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'Hours?' },
        ],
      },
      lengthMeasure([documents]),
    );

    expect(segments).toEqual([
      { component: 'context', size: documents.length },
      { component: 'system', size: system.length - documents.length },
      { component: 'user_input', size: 'Hours?'.length },
    ]);
  });

  it('sizes Anthropic system, tool use and tool results', () => {
    const segments = measurePrompt(
      {
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool_use',
                id: 't1',
                name: 'get_weather',
                input: { city: 'Oslo' },
              },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't1', content: 'Sunny' },
            ],
          },
        ],
      },
      lengthMeasure(),
    );

    expect(segments).toEqual([
      { component: 'system', size: 'You are terse.'.length },
      { component: 'user_input', size: 'Weather in Oslo?'.length },
      {
        component: 'history',
        size:
          JSON.stringify({ name: 'get_weather', input: { city: 'Oslo' } })
            .length * JSON_WEIGHT,
      },
      { component: 'tool_results', size: 'Sunny'.length },
    ]);
  });

  it('sizes a Responses API request', () => {
    const segments = measurePrompt(
      {
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
          {
            type: 'function_call',
            call_id: 'c1',
            name: 'get_weather',
            arguments: '{"city":"Oslo"}',
          },
          { type: 'function_call_output', call_id: 'c1', output: 'Sunny' },
        ],
      },
      lengthMeasure(),
    );

    expect(segments).toEqual([
      { component: 'system', size: 'Be brief.'.length },
      { component: 'user_input', size: 'Weather?'.length },
      { component: 'history', size: '{"city":"Oslo"}'.length * JSON_WEIGHT },
      { component: 'tool_results', size: 'Sunny'.length },
    ]);
  });

  it('treats a string input as the user turn', () => {
    expect(measurePrompt({ input: 'Hello there' }, lengthMeasure())).toEqual([
      { component: 'user_input', size: 11 },
    ]);
  });

  it('sizes nothing for a request it does not know', () => {
    expect(measurePrompt(undefined, lengthMeasure())).toEqual([]);
    expect(measurePrompt({ messages: 'not a list' }, lengthMeasure())).toEqual(
      [],
    );
  });

  it('counts tokens in exact mode', () => {
    const words = {
      size: (text: string) => text.split(' ').length,
      contextTexts: [],
    };

    expect(
      measurePrompt({ messages: [{ role: 'user', content: 'a b c' }] }, words),
    ).toEqual([{ component: 'user_input', size: 3 }]);
  });
});

describe('measureCompletion', () => {
  it('sizes text and tool calls', () => {
    const call = { name: 'get_weather', arguments: '{"city":"Oslo"}' };

    expect(
      measureCompletion(
        { text: ['Hi', ' there'], toolCalls: [call] },
        lengthMeasure(),
      ),
    ).toEqual([
      { component: 'text', size: 8 },
      {
        component: 'tool_calls',
        size: JSON.stringify(call).length * JSON_WEIGHT,
      },
    ]);
  });
});
