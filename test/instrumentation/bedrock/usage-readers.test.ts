import { describe, expect, it } from 'vitest';

import { toCallUsage } from '../../../src/instrumentation/bedrock/counts.js';
import { readInvokeModelBody } from '../../../src/instrumentation/bedrock/invoke-model-body.js';
import {
  readConverseUsage,
  readInvocationMetrics,
  readTokenHeaders,
} from '../../../src/instrumentation/bedrock/usage.js';

describe('readInvokeModelBody', () => {
  it('reads an OpenAI-style body, whose prompt includes cached tokens', () => {
    const reading = readInvokeModelBody({
      id: 'chatcmpl-1',
      model: 'openai.gpt-oss-120b-1:0',
      choices: [{ index: 0, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        prompt_tokens_details: { cached_tokens: 100 },
      },
    });

    expect(toCallUsage(reading.counts!)).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cacheReadTokens: 100,
      cacheWriteTokens: undefined,
    });
    expect(reading.finishReasons).toEqual(['stop']);
  });

  it.each([
    ['Cohere Command R', { text: 'Hi', finish_reason: 'COMPLETE' }, 'COMPLETE'],
    [
      'Cohere Command',
      { generations: [{ text: 'Hi', finish_reason: 'MAX_TOKENS' }] },
      'MAX_TOKENS',
    ],
    [
      'DeepSeek',
      { choices: [{ text: 'Hi', stop_reason: 'length' }] },
      'length',
    ],
  ])(
    'reads the finish reason of a %s body without counts',
    (_, body, reason) => {
      const reading = readInvokeModelBody(body);

      expect(reading.counts).toBeUndefined();
      expect(reading.finishReasons).toEqual([reason]);
    },
  );

  it('reads an Anthropic message_delta chunk', () => {
    const reading = readInvokeModelBody({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens' },
      usage: { output_tokens: 64 },
    });

    expect(reading.counts).toMatchObject({ output: 64, input: undefined });
    expect(reading.finishReasons).toEqual(['max_tokens']);
  });

  it('marks an invalid count', () => {
    const reading = readInvokeModelBody({
      prompt_token_count: -3,
      generation_token_count: 5,
    });

    expect(reading.counts).toEqual({ input: 'invalid', output: 5 });
    expect(toCallUsage(reading.counts!).inputTokens).toBeUndefined();
  });

  it('reads nothing from a body that is not an object', () => {
    expect(readInvokeModelBody('text')).toEqual({ finishReasons: [] });
  });
});

describe('Bedrock usage readers', () => {
  it('adds the cache counts of Converse usage to the input', () => {
    const counts = readConverseUsage({
      inputTokens: 5,
      outputTokens: 9,
      cacheReadInputTokens: 100,
      cacheWriteInputTokens: 20,
      totalTokens: 134,
    });

    expect(toCallUsage(counts!)).toEqual({
      inputTokens: 125,
      outputTokens: 9,
      cacheReadTokens: 100,
      cacheWriteTokens: 20,
    });
  });

  it('reads invocation metrics with cache counts', () => {
    const counts = readInvocationMetrics({
      inputTokenCount: 7,
      outputTokenCount: 3,
      cacheReadInputTokenCount: 50,
      invocationLatency: 100,
    });

    expect(toCallUsage(counts!)).toMatchObject({
      inputTokens: 57,
      cacheReadTokens: 50,
    });
  });

  it('reads token count headers in any case', () => {
    const counts = readTokenHeaders({
      'X-Amzn-Bedrock-Input-Token-Count': '21',
      'x-amzn-bedrock-output-token-count': '64',
      'x-amzn-bedrock-cache-write-input-token-count': '0',
    });

    expect(counts).toEqual({
      input: 21,
      output: 64,
      cacheRead: undefined,
      cacheWrite: 0,
    });
  });

  it('marks a header that is not a count', () => {
    const counts = readTokenHeaders({
      'x-amzn-bedrock-input-token-count': 'n/a',
    });

    expect(counts?.input).toBe('invalid');
  });
});
