import { describe, expect, it } from 'vitest';

import { readGenAiCall } from '../../src/usage/read-call.js';

describe('readGenAiCall', () => {
  it('reads the conventions names', () => {
    const reading = readGenAiCall({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'server.address': 'api.openai.com',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.usage.cache_read.input_tokens': 64,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'tokenmeter.usage.estimated': true,
    });

    expect(reading).toEqual({
      kind: 'call',
      call: {
        provider: 'openai',
        operation: 'chat',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        serverAddress: 'api.openai.com',
        usage: {
          inputTokens: 100,
          outputTokens: 20,
          cacheReadTokens: 64,
          cacheWriteTokens: 0,
          reasoningTokens: 10,
          estimated: true,
        },
      },
    });
  });

  it('reads the deprecated prompt and completion names', () => {
    const reading = readGenAiCall({
      'gen_ai.system': 'openai',
      'gen_ai.usage.prompt_tokens': 7,
      'gen_ai.usage.completion_tokens': 3,
    });

    expect(reading.kind === 'call' && reading.call.usage.inputTokens).toBe(7);
    expect(reading.kind === 'call' && reading.call.usage.outputTokens).toBe(3);
    expect(reading.kind === 'call' && reading.call.provider).toBe('openai');
  });

  it('adds reasoning tokens that output leaves out', () => {
    // Gemini's candidates count leaves out the thoughts.
    const reading = readGenAiCall({
      'gen_ai.usage.input_tokens': 324,
      'gen_ai.usage.output_tokens': 364,
      'gen_ai.usage.reasoning.output_tokens': 495,
    });

    expect(reading.kind === 'call' && reading.call.usage.outputTokens).toBe(
      859,
    );
  });

  it('finds nothing on a span without usage', () => {
    expect(readGenAiCall({ 'gen_ai.operation.name': 'chat' })).toEqual({
      kind: 'none',
    });
  });

  it('rejects a string count with the attribute name', () => {
    expect(
      readGenAiCall({
        'gen_ai.usage.input_tokens': '12',
        'gen_ai.usage.output_tokens': 1,
      }),
    ).toEqual({
      kind: 'invalid',
      attribute: 'gen_ai.usage.input_tokens',
      reason: 'expected a number, got string',
    });
  });

  it('rejects negative and non-finite counts', () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const reading = readGenAiCall({
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': value,
      });
      expect(reading.kind).toBe('invalid');
    }
  });
});
