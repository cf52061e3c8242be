import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';
import {
  catalogRates,
  clientsFor,
  genAiSpans,
  instrumentBoth,
} from '../support/sdk-clients.js';

// Responses in the providers' formats, with the usage each rule needs.

function chatCompletion(model: string, usage: object): object {
  return {
    id: 'chatcmpl-accounting',
    object: 'chat.completion',
    created: 1752728594,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Done.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  };
}

function anthropicMessage(usage: object): object {
  return {
    id: 'msg_accounting',
    type: 'message',
    role: 'assistant',
    model: 'claude-3-7-sonnet-20250219',
    content: [{ type: 'text', text: 'Done.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
}

function sse(events: [string, object][]): string {
  return events
    .map(
      ([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    )
    .join('');
}

const ANTHROPIC_STREAM = sse([
  [
    'message_start',
    {
      type: 'message_start',
      message: {
        ...anthropicMessage({
          input_tokens: 3,
          cache_creation_input_tokens: 12304,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        }),
        content: [],
        stop_reason: null,
      },
    },
  ],
  [
    'content_block_start',
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    },
  ],
  [
    'content_block_delta',
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'Done.' },
    },
  ],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  [
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 550 },
    },
  ],
  ['message_stop', { type: 'message_stop' }],
]);

const RECORDINGS: Recording[] = [
  {
    name: 'gpt-4o-cached',
    provider: 'openai',
    exchanges: [
      {
        request: {
          method: 'POST',
          url: 'https://api.openai.com/v1/chat/completions',
          body: {
            model: 'gpt-4o',
            messages: [{ role: 'user', content: 'cached' }],
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: chatCompletion('gpt-4o-2024-11-20', {
            prompt_tokens: 2006,
            completion_tokens: 300,
            total_tokens: 2306,
            prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          }),
        },
      },
    ],
  },
  {
    name: 'o3-mini-reasoning',
    provider: 'openai',
    exchanges: [
      {
        request: {
          method: 'POST',
          url: 'https://api.openai.com/v1/chat/completions',
          body: {
            model: 'o3-mini',
            messages: [{ role: 'user', content: 'think' }],
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: chatCompletion('o3-mini-2025-01-31', {
            prompt_tokens: 100,
            completion_tokens: 300,
            total_tokens: 400,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 200 },
          }),
        },
      },
    ],
  },
  {
    name: 'claude-cache-write',
    provider: 'anthropic',
    exchanges: [
      {
        request: {
          method: 'POST',
          url: 'https://api.anthropic.com/v1/messages',
          body: {
            model: 'claude-3-7-sonnet-20250219',
            max_tokens: 1024,
            messages: [{ role: 'user', content: 'plain' }],
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: anthropicMessage({
            input_tokens: 3,
            cache_creation_input_tokens: 12304,
            cache_read_input_tokens: 0,
            output_tokens: 550,
          }),
        },
      },
      {
        request: {
          method: 'POST',
          url: 'https://api.anthropic.com/v1/messages',
          body: {
            model: 'claude-3-7-sonnet-20250219',
            max_tokens: 1024,
            messages: [{ role: 'user', content: 'streamed' }],
            stream: true,
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: ANTHROPIC_STREAM,
        },
      },
    ],
  },
];

let server: ReplayServer;
let tracing: TestTracing;
let uninstrument: () => void;

beforeAll(async () => {
  server = new ReplayServer({ recordings: RECORDINGS, match: 'strict' });
  await server.start();
  tracing = setupTracing([new CostSpanProcessor()]);
  uninstrument = instrumentBoth();
});

afterAll(async () => {
  uninstrument();
  await tracing.shutdown();
  await server.close();
});

afterEach(() => tracing.reset());

function onlyCall() {
  const spans = genAiSpans(tracing.spans());
  expect(spans).toHaveLength(1);
  return spans[0]!.attributes;
}

describe('token accounting', () => {
  it('counts cached OpenAI prompt tokens inside input tokens', async () => {
    await clientsFor(server).openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'cached' }],
    });

    const attributes = onlyCall();
    expect(attributes['gen_ai.usage.input_tokens']).toBe(2006);
    expect(attributes['gen_ai.usage.cache_read.input_tokens']).toBe(1920);
    expect(attributes['gen_ai.usage.output_tokens']).toBe(300);
    // 86 x input rate + 1,920 x cached rate + 300 x output rate.
    const rates = catalogRates('openai', 'gpt-4o');
    expect(rates).toMatchObject({ input: 2.5, cacheRead: 1.25, output: 10 });
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      (86 * 2.5 + 1920 * 1.25 + 300 * 10) / 1e6,
      15,
    );
  });

  it('prices a dated snapshot as its model', async () => {
    await clientsFor(server).openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'cached' }],
    });

    const attributes = onlyCall();
    expect(attributes['gen_ai.response.model']).toBe('gpt-4o-2024-11-20');
    expect(attributes['tokenmeter.price.model']).toBe('gpt-4o');
  });

  it('does not add OpenAI reasoning tokens again', async () => {
    await clientsFor(server).openai.chat.completions.create({
      model: 'o3-mini',
      messages: [{ role: 'user', content: 'think' }],
    });

    const attributes = onlyCall();
    expect(attributes['gen_ai.usage.output_tokens']).toBe(300);
    expect(attributes['gen_ai.usage.reasoning.output_tokens']).toBe(200);
    const rates = catalogRates('openai', 'o3-mini');
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      (100 * rates.input + 300 * rates.output) / 1e6,
      15,
    );
  });

  it('adds Anthropic cache writes to input tokens', async () => {
    await clientsFor(server).anthropic.messages.create({
      model: 'claude-3-7-sonnet-20250219',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'plain' }],
    });

    const attributes = onlyCall();
    expect(attributes['gen_ai.usage.input_tokens']).toBe(12307);
    expect(attributes['gen_ai.usage.output_tokens']).toBe(550);
    // 3 x $3 + 12,304 x $3.75 + 550 x $15 per million tokens.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.054399, 15);
  });

  it('combines Anthropic stream usage once', async () => {
    const stream = await clientsFor(server).anthropic.messages.create({
      model: 'claude-3-7-sonnet-20250219',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'streamed' }],
      stream: true,
    });
    for await (const _ of stream) {
      // Read to the end.
    }

    const attributes = onlyCall();
    expect(attributes['gen_ai.usage.input_tokens']).toBe(12307);
    expect(attributes['gen_ai.usage.output_tokens']).toBe(550);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.054399, 15);
  });
});
