import type { Attributes, Span } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  countTally,
  tallyChatInput,
} from '../../../src/instrumentation/common/chat-token-tally.js';
import { ChatStreamAccumulator } from '../../../src/instrumentation/openai/chat-stream.js';
import { serverAttributes } from '../../../src/instrumentation/openai/request-attributes.js';
import { responseFinishReasons } from '../../../src/instrumentation/openai/response-attributes.js';
import { chatUsageEstimator } from '../../../src/instrumentation/openai/usage-estimate.js';
import {
  readChatUsage,
  readEmbeddingsUsage,
  readResponsesUsage,
} from '../../../src/instrumentation/openai/usage.js';
import {
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../../../src/semconv.js';
import {
  loadTokenCounter,
  type TokenCounter,
} from '../../../src/tokenizer/index.js';

/** Creates a span that only keeps its attributes. */
function attributeSpan(): { span: Span; attributes: Attributes } {
  const attributes: Attributes = {};
  const span = {
    setAttributes(values: Attributes) {
      Object.assign(attributes, values);
      return span;
    },
  } as unknown as Span;
  return { span, attributes };
}

describe('serverAttributes', () => {
  it('uses the port of the URL', () => {
    expect(serverAttributes('http://127.0.0.1:8080/v1')).toEqual({
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: 8080,
    });
  });

  it('uses the default port of the scheme', () => {
    expect(serverAttributes('https://api.openai.com/v1')).toEqual({
      [ATTR_SERVER_ADDRESS]: 'api.openai.com',
      [ATTR_SERVER_PORT]: 443,
    });
    expect(serverAttributes('http://proxy.internal/v1')).toEqual({
      [ATTR_SERVER_ADDRESS]: 'proxy.internal',
      [ATTR_SERVER_PORT]: 80,
    });
  });

  it('leaves out the port of other schemes', () => {
    expect(serverAttributes('unix://socket/v1')).toEqual({
      [ATTR_SERVER_ADDRESS]: 'socket',
    });
  });

  it('ignores a missing or invalid URL', () => {
    expect(serverAttributes(undefined)).toEqual({});
    expect(serverAttributes('not a url')).toEqual({});
  });
});

describe('usage readers', () => {
  it('drops NaN, infinite and negative counts', () => {
    expect(
      readChatUsage({
        prompt_tokens: Number.NaN,
        completion_tokens: Number.POSITIVE_INFINITY,
        prompt_tokens_details: { cached_tokens: -1 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      cacheReadTokens: undefined,
      reasoningTokens: 2,
    });
  });

  it('reads chat usage with its details', () => {
    expect(
      readChatUsage({
        prompt_tokens: 100,
        completion_tokens: 40,
        prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 0 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 40,
      inputAudioTokens: 0,
      outputAudioTokens: 0,
      cacheReadTokens: 64,
      reasoningTokens: 30,
    });
  });

  it('reads Responses API usage', () => {
    expect(
      readResponsesUsage({
        input_tokens: 10,
        output_tokens: 5,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens_details: { reasoning_tokens: 3 },
      }),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 4,
      reasoningTokens: 3,
    });
  });

  it('returns undefined for non-object usage', () => {
    expect(readChatUsage('12')).toBeUndefined();
    expect(readResponsesUsage(null)).toBeUndefined();
    expect(readEmbeddingsUsage([8])).toBeUndefined();
  });
});

describe('responseFinishReasons', () => {
  it('prefers the reason of an incomplete response', () => {
    const response = {
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    };
    expect(responseFinishReasons(response)).toEqual(['max_output_tokens']);
  });

  it('reads a final status', () => {
    expect(responseFinishReasons({ status: 'failed' })).toEqual(['failed']);
  });

  it('ignores an unfinished status', () => {
    expect(responseFinishReasons({ status: 'in_progress' })).toEqual([]);
    expect(responseFinishReasons({})).toEqual([]);
  });
});

describe('tallyChatInput', () => {
  let counter: TokenCounter;

  beforeAll(async () => {
    counter = (await loadTokenCounter('o200k_base'))!;
  });

  it('counts names, content parts and tool calls', () => {
    const tally = tallyChatInput(
      {
        messages: [
          {
            role: 'user',
            name: 'ann',
            content: [{ type: 'text', text: 'Hi' }],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { function: { name: 'f', arguments: '{}' } },
              { custom: { name: 'g', input: 'x' } },
              'not a call',
            ],
            function_call: { name: 'h', arguments: '{}' },
          },
          'not a message',
        ],
      },
      'o200k_base',
    );

    expect(tally.texts).toEqual([
      'user',
      'ann',
      'Hi',
      'assistant',
      'f',
      '{}',
      'g',
      'x',
      'h',
      '{}',
    ]);
    // 3 per message, 1 for the name, 3 for the reply.
    expect(tally.formatTokens).toBe(10);
  });

  it('counts enums and custom tools', () => {
    const tally = tallyChatInput(
      {
        messages: [],
        tools: [
          {
            type: 'function',
            function: {
              name: 'set_unit',
              description: 'Sets the unit.',
              parameters: {
                properties: {
                  unit: { type: 'string', enum: ['celsius', 7, null] },
                  note: 'not a schema',
                },
              },
            },
          },
          { type: 'custom', custom: { name: 'grep' } },
        ],
      },
      'cl100k_base',
    );

    expect(tally.texts).toEqual([
      'set_unit:Sets the unit',
      'unit:string:',
      'celsius',
      '7',
      '',
      'note::',
      'grep:',
    ]);
    // The reply adds 3 tokens. set_unit adds 10, 3 for its properties, 3
    // for unit, -3 for its enum, 3 for each of the 3 items and 3 for note.
    // grep adds 10, and the end of the tool list 12.
    expect(tally.formatTokens).toBe(3 + 10 + 3 + 3 - 3 + 9 + 3 + 10 + 12);
  });

  it('never counts below zero', () => {
    expect(countTally(counter, { texts: [], formatTokens: -5 })).toBe(0);
    expect(countTally(counter, { texts: ['Hi'], formatTokens: 2 })).toBe(3);
  });
});

describe('ChatStreamAccumulator', () => {
  beforeAll(async () => {
    await loadTokenCounter('o200k_base');
  });

  it('ignores chunks it cannot read', () => {
    const accumulator = new ChatStreamAccumulator(
      chatUsageEstimator({ model: 'gpt-4o-mini', messages: [] }),
    );
    accumulator.add('not a chunk');
    accumulator.add({ id: 'c1', choices: 'none' });
    accumulator.add({ choices: [null, { index: 1, delta: 'text' }] });
    accumulator.add({ choices: [{ finish_reason: 'stop' }] });

    const { span, attributes } = attributeSpan();
    expect(accumulator.finish(span)).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe('c1');
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    // Only the 3 tokens that prime the reply.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(3);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(0);
  });

  it('estimates a legacy function call', () => {
    const accumulator = new ChatStreamAccumulator(
      chatUsageEstimator({ model: 'gpt-4o-mini', messages: [] }),
    );
    accumulator.add({
      choices: [{ delta: { function_call: { name: 'get_weather' } } }],
    });
    accumulator.add({
      choices: [{ delta: { function_call: { arguments: '{}' } } }],
    });
    accumulator.add({
      choices: [{ delta: { tool_calls: [null, { index: 0 }] } }],
    });

    const { span, attributes } = attributeSpan();
    expect(accumulator.finish(span)).toBeUndefined();
    // "get_weather" is 2 tokens and "{}" 1.
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
  });
});
