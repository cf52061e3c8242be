import { describe, expect, it } from 'vitest';

import {
  converseParts,
  invokeModelParts,
} from '../../../src/instrumentation/bedrock/output-parts.js';
import { StreamedOutput } from '../../../src/instrumentation/bedrock/streamed-output.js';

const INPUT = { city: 'Oslo' };

describe('converseParts', () => {
  it('reads text and toolUse blocks, without reasoning', () => {
    expect(
      converseParts({
        output: {
          message: {
            content: [
              { reasoningContent: { reasoningText: { text: 'Hmm.' } } },
              { text: 'Checking.' },
              { toolUse: { name: 'get_weather', input: INPUT } },
            ],
          },
        },
      }),
    ).toEqual({
      text: [undefined, 'Checking.', undefined],
      toolCalls: ['get_weather', INPUT],
    });
  });
});

describe('invokeModelParts', () => {
  function visible(body: unknown) {
    const parts = invokeModelParts(body);
    return {
      text: parts.text.filter((text) => typeof text === 'string'),
      toolCalls: parts.toolCalls.filter((call) => call !== undefined),
    };
  }

  it.each([
    [
      'Anthropic',
      {
        type: 'message',
        content: [
          { type: 'thinking', thinking: 'Hmm.' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', name: 'get_weather', input: INPUT },
        ],
      },
      { text: ['Checking.'], toolCalls: ['get_weather', INPUT] },
    ],
    [
      'Nova',
      {
        output: {
          message: {
            content: [
              { text: 'Checking.' },
              { toolUse: { name: 'get_weather', input: INPUT } },
            ],
          },
        },
      },
      { text: ['Checking.'], toolCalls: ['get_weather', INPUT] },
    ],
    [
      'OpenAI-style',
      {
        choices: [
          {
            message: {
              content: 'Checking.',
              tool_calls: [
                {
                  function: {
                    name: 'get_weather',
                    arguments: '{"city":"Oslo"}',
                  },
                },
              ],
            },
          },
        ],
      },
      { text: ['Checking.'], toolCalls: ['get_weather', '{"city":"Oslo"}'] },
    ],
    [
      'Cohere Command R',
      {
        text: 'Checking.',
        tool_calls: [{ name: 'get_weather', parameters: INPUT }],
      },
      { text: ['Checking.'], toolCalls: ['get_weather', INPUT] },
    ],
    [
      'Titan',
      { results: [{ outputText: 'Fast spans.', tokenCount: 3 }] },
      { text: ['Fast spans.'], toolCalls: [] },
    ],
    [
      'Llama',
      { generation: 'A trace is a record.' },
      { text: ['A trace is a record.'], toolCalls: [] },
    ],
    [
      'Mistral',
      { outputs: [{ text: 'p99 latency.' }] },
      { text: ['p99 latency.'], toolCalls: [] },
    ],
    [
      'DeepSeek',
      { choices: [{ text: 'Sure.', stop_reason: 'stop' }] },
      { text: ['Sure.'], toolCalls: [] },
    ],
  ])('reads a %s body', (_name, body, expected) => {
    expect(visible(body)).toEqual(expected);
  });

  it('reads nothing from a body that is not an object', () => {
    expect(invokeModelParts(undefined)).toEqual({ text: [], toolCalls: [] });
  });
});

describe('StreamedOutput.outputParts', () => {
  it('joins ConverseStream text and tool use, without reasoning', () => {
    const output = new StreamedOutput();
    for (const event of [
      {
        contentBlockDelta: {
          contentBlockIndex: 0,
          delta: { reasoningContent: { text: 'Hmm.' } },
        },
      },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Check' } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'ing.' } } },
      {
        contentBlockStart: {
          contentBlockIndex: 2,
          start: { toolUse: { name: 'get_weather' } },
        },
      },
      {
        contentBlockDelta: {
          contentBlockIndex: 2,
          delta: { toolUse: { input: '{"city":"Oslo"}' } },
        },
      },
    ]) {
      output.add(event);
    }

    expect(output.outputParts()).toEqual({
      text: ['Checking.'],
      toolCalls: ['get_weather', '{"city":"Oslo"}'],
    });
    expect([...output.outputTexts()]).toEqual([
      'Hmm.',
      'Checking.',
      'get_weather',
      '{"city":"Oslo"}',
    ]);
  });

  it('joins Anthropic chunks, without thinking', () => {
    const output = new StreamedOutput();
    for (const event of [
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Hmm.' },
      },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'text', text: 'Check' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'text_delta', text: 'ing.' },
      },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', name: 'get_weather', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Oslo"}' },
      },
    ]) {
      output.add(event);
    }

    expect(output.outputParts()).toEqual({
      text: ['Checking.'],
      toolCalls: ['get_weather', '{"city":"Oslo"}'],
    });
  });

  it('joins OpenAI-style tool call deltas', () => {
    const output = new StreamedOutput();
    for (const call of [
      { index: 0, function: { name: 'get_weather', arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Oslo"}' } },
    ]) {
      output.add({ choices: [{ index: 0, delta: { tool_calls: [call] } }] });
    }

    expect(output.outputParts()).toEqual({
      text: [],
      toolCalls: ['get_weather', '{"city":"Oslo"}'],
    });
  });
});
