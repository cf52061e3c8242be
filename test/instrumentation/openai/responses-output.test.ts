import { describe, expect, it } from 'vitest';

import {
  responseOutput,
  responseOutputTexts,
  StreamedResponseOutput,
} from '../../../src/instrumentation/openai/responses-output.js';

describe('responseOutput', () => {
  it('reads messages, tool calls and reasoning apart', () => {
    const output = responseOutput({
      output: [
        { type: 'reasoning', summary: [{ text: 'Plan.' }] },
        {
          type: 'message',
          content: [{ text: 'Hello.' }, { refusal: 'No.' }],
        },
        { type: 'function_call', name: 'get_weather', arguments: '{}' },
        { type: 'custom_tool_call', name: 'code_exec', input: 'print(1)' },
        { type: 'web_search_call', status: 'completed' },
      ],
    });

    expect(output).toEqual({
      text: ['Hello.', 'No.'],
      toolCalls: ['get_weather', '{}', 'code_exec', 'print(1)'],
      reasoning: ['Plan.'],
    });
    expect(responseOutputTexts(output)).toEqual([
      'Hello.',
      'No.',
      'get_weather',
      '{}',
      'code_exec',
      'print(1)',
      'Plan.',
    ]);
  });
});

describe('StreamedResponseOutput', () => {
  it('joins deltas by kind, without reasoning', () => {
    const output = new StreamedResponseOutput();
    for (const event of [
      {
        type: 'response.reasoning_summary_text.delta',
        output_index: 0,
        delta: 'Plan.',
      },
      { type: 'response.output_text.delta', output_index: 1, delta: 'Hel' },
      { type: 'response.output_text.delta', output_index: 1, delta: 'lo.' },
      {
        type: 'response.output_item.added',
        output_index: 2,
        item: { type: 'function_call', name: 'get_weather' },
      },
      {
        type: 'response.function_call_arguments.delta',
        output_index: 2,
        delta: '{"city":"Oslo"}',
      },
    ]) {
      output.add(event);
    }

    expect(output.outputParts()).toEqual({
      text: ['Hello.'],
      toolCalls: ['get_weather', '{"city":"Oslo"}'],
    });
    expect([...output.outputTexts()]).toEqual([
      'Plan.',
      'Hello.',
      'get_weather',
      '{"city":"Oslo"}',
    ]);
  });
});
