import { SpanKind, trace, type Span } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import { setupTracing } from '../../support/tracing.js';
import {
  AnthropicModule,
  CACHE_REQUEST,
  CACHE_WRITE_MESSAGE,
  createClient,
  eventStream,
  genAiSpans,
  messagesRecording,
  OUR_SPAN,
  startReplay,
  streamedMessageEvents,
  tokenCounts,
} from './support.js';

const tracing = setupTracing();
const instrumentation = new AnthropicInstrumentation();
instrumentation.manuallyInstrument(AnthropicModule);

afterEach(() => tracing.reset());
afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

const REQUEST = {
  ...CACHE_REQUEST,
  temperature: 0.2,
  top_p: 0.9,
  top_k: 40,
};

async function createOnce(
  response: unknown,
  request: Record<string, unknown> = REQUEST,
  options: Record<string, unknown> = {},
) {
  const server = await startReplay([
    messagesRecording('message', request, { body: response }),
  ]);
  try {
    const client = createClient(server.origin, OUR_SPAN, options);
    const result: any = await client.messages.create(request as any);
    if (request.stream) {
      for await (const _event of result) {
        // Read to the end.
      }
    }
    return { port: Number(new URL(server.origin).port) };
  } finally {
    await server.close();
  }
}

describe('AnthropicInstrumentation span', () => {
  it('follows the GenAI conventions for a chat call', async () => {
    const { port } = await createOnce(CACHE_WRITE_MESSAGE);

    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('chat claude-3-7-sonnet-20250219');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stream': false,
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.response.id': 'msg_01CacheWrite7Sonnet',
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
  });

  it('records the response of a stream', async () => {
    const body = eventStream(
      streamedMessageEvents({
        startUsage: { input_tokens: 10, output_tokens: 1 },
        deltaUsage: { output_tokens: 12 },
        stopReason: 'max_tokens',
      }),
    );
    await createOnce(body, { ...REQUEST, stream: true });

    const span = genAiSpans(tracing.spans())[0]!;
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_01StreamedCache',
      'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.response.finish_reasons': ['max_tokens'],
    });
    expect(span.attributes['tokenmeter.usage.estimated']).toBeUndefined();
  });

  it('carries no prompt or completion content', async () => {
    await createOnce(CACHE_WRITE_MESSAGE);

    const span = genAiSpans(tracing.spans())[0]!;
    const values = JSON.stringify(Object.values(span.attributes));
    expect(values).not.toContain('Summarize the document');
    expect(values).not.toContain('A long system prompt');
    expect(values).not.toContain('The document describes');
    expect(span.events).toHaveLength(0);
  });

  it('is active while the SDK sends the request', async () => {
    let active: Span | undefined;
    const fetchWithSpy = (url: string, init: RequestInit) => {
      active = trace.getActiveSpan();
      return fetch(url, init);
    };
    await createOnce(CACHE_WRITE_MESSAGE, REQUEST, { fetch: fetchWithSpy });

    const span = genAiSpans(tracing.spans())[0]!;
    expect(active?.spanContext().spanId).toBe(span.spanContext().spanId);
  });

  it('takes the port of an https URL without one', async () => {
    const { serverAttributes } =
      await import('../../../src/instrumentation/anthropic/attributes.js');

    expect(serverAttributes('https://api.anthropic.com')).toEqual({
      'server.address': 'api.anthropic.com',
      'server.port': 443,
    });
    expect(serverAttributes('http://[::1]:8080/v1')).toEqual({
      'server.address': '::1',
      'server.port': 8080,
    });
    expect(serverAttributes('not a url')).toEqual({});
  });

  it('keeps bad token counts off the span', async () => {
    const message = {
      ...CACHE_WRITE_MESSAGE,
      usage: {
        input_tokens: 3,
        cache_creation_input_tokens: 'many',
        cache_read_input_tokens: -4,
        output_tokens: -550,
        output_tokens_details: { thinking_tokens: 'none' },
      },
    };
    await createOnce(message);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(tokenCounts(span)).toEqual({
      input: undefined,
      output: undefined,
      cacheRead: undefined,
      cacheWrite: undefined,
      reasoning: undefined,
    });
  });

  it('keeps the valid counts next to a bad one', async () => {
    const message = {
      ...CACHE_WRITE_MESSAGE,
      usage: {
        input_tokens: 3,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: 7,
        output_tokens: 'lots',
      },
    };
    await createOnce(message);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(tokenCounts(span)).toEqual({
      input: 10,
      output: undefined,
      cacheRead: 7,
      cacheWrite: undefined,
      reasoning: undefined,
    });
  });

  it('leaves out request parameters of the wrong type', async () => {
    const request = {
      ...CACHE_REQUEST,
      max_tokens: '1024',
      temperature: Number.NaN,
      top_k: null,
    };
    await createOnce(CACHE_WRITE_MESSAGE, request);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(span.attributes['gen_ai.request.max_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.request.temperature']).toBeUndefined();
    expect(span.attributes['gen_ai.request.top_k']).toBeUndefined();
  });
});
