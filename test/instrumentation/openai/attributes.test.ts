import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../../../src/semconv.js';
import { recording } from '../../support/recordings.js';
import type { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  createClient,
  instrumentOpenAI,
  OpenAI,
  onlySpan,
  readAll,
  recordingOf,
  requestBody,
  startReplay,
} from './support.js';

const CHAT_OPTIONS = recording(
  'openai--contrib-chat-completions-records-all-the-client-options',
);
const RESPONSES_OPTIONS = recording(
  'openai--contrib-responses-records-all-the-client-options',
);
const EMBEDDINGS = recording(
  'openai--contrib-embeddings-adds-genai-conventions',
);
const STREAMED_RESPONSE = recording(
  'openai--contrib-streaming-responses-records-usage',
);

/** Builds a chat completion exchange whose response body is `body`. */
function chatAnswering(name: string, body: unknown) {
  return recordingOf(name, {
    request: {
      method: 'POST',
      url: 'https://api.openai.com/v1/chat/completions',
      body: { model: 'gpt-4o-mini' },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body,
    },
  });
}

const INVALID_VALUES = chatAnswering('invalid-values', {
  id: 42,
  object: 'chat.completion',
  model: ['gpt-4o-mini'],
  service_tier: 7,
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hi' } },
    { index: 1, finish_reason: 5 },
    { index: 2, finish_reason: 'length' },
  ],
  usage: {
    prompt_tokens: -3,
    completion_tokens: '4',
    prompt_tokens_details: { cached_tokens: null },
    completion_tokens_details: { reasoning_tokens: { tokens: 1 } },
  },
});

describe('OpenAIInstrumentation span attributes', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay(
      [CHAT_OPTIONS, RESPONSES_OPTIONS, EMBEDDINGS, STREAMED_RESPONSE],
      { match: 'strict' },
    );
    client = createClient(server);
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  it('names a chat span by operation and model', async () => {
    await client.chat.completions.create(requestBody(CHAT_OPTIONS) as any);

    const span = await onlySpan(tracing);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.instrumentationScope.name).toBe(
      'tokenmeter/instrumentation-openai',
    );
  });

  it('records chat request parameters', async () => {
    await client.chat.completions.create(requestBody(CHAT_OPTIONS) as any);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe('chat');
    expect(attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe('openai');
    expect(attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe('gpt-4o-mini');
    expect(attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS]).toBe(100);
    expect(attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE]).toBe(1);
    expect(attributes[ATTR_GEN_AI_REQUEST_TOP_P]).toBe(1);
    expect(attributes[ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]).toBe(0);
    expect(attributes[ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY]).toBe(0);
    expect(attributes[ATTR_GEN_AI_REQUEST_SEED]).toBe(100);
    expect(attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]).toEqual(['foo']);
    expect(attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_REQUEST_CHOICE_COUNT]).toBeUndefined();
  });

  it('records the server from the base URL', async () => {
    await client.chat.completions.create(requestBody(CHAT_OPTIONS) as any);

    const { attributes } = await onlySpan(tracing);
    const port = Number(new URL(server.origin).port);
    expect(attributes[ATTR_SERVER_ADDRESS]).toBe('127.0.0.1');
    expect(attributes[ATTR_SERVER_PORT]).toBe(port);
  });

  it('records chat response attributes', async () => {
    await client.chat.completions.create(requestBody(CHAT_OPTIONS) as any);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe(
      'chatcmpl-BuBHDcCmHq9bBC02V7hVNxoUXiTpY',
    );
    expect(attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(
      'gpt-4o-mini-2024-07-18',
    );
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(attributes[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe(
      'default',
    );
  });

  it('records no prompt or completion content', async () => {
    const completion = await client.chat.completions.create(
      requestBody(CHAT_OPTIONS) as any,
    );

    const { attributes } = await onlySpan(tracing);
    const values = JSON.stringify(Object.values(attributes));
    expect(values).not.toContain('Bouvet');
    expect(values).not.toContain(completion.choices[0]!.message.content);
  });

  it('records Responses API attributes', async () => {
    await client.responses.create(requestBody(RESPONSES_OPTIONS));

    const span = await onlySpan(tracing);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe('chat');
    expect(span.attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS]).toBe(100);
    expect(span.attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE]).toBe(1);
    expect(span.attributes[ATTR_GEN_AI_REQUEST_TOP_P]).toBe(1);
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe(
      'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
    );
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(
      'gpt-4o-mini-2024-07-18',
    );
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual([
      'completed',
    ]);
  });

  it('records a streamed Responses API call', async () => {
    const stream = await client.responses.create(
      requestBody(STREAMED_RESPONSE),
    );
    await readAll(stream as unknown as AsyncIterable<unknown>);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe('resp_stream_usage');
    expect(attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(
      'gpt-4o-mini-2024-07-18',
    );
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });

  it('records embeddings attributes', async () => {
    await client.embeddings.create(requestBody(EMBEDDINGS) as any);

    const span = await onlySpan(tracing);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe('embeddings');
    expect(span.attributes[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS]).toEqual([
      'float',
    ]);
    expect(span.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(
      'text-embedding-3-small',
    );
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(8);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBeUndefined();
  });

  it('runs the request with its span active', async () => {
    let activeSpanId: string | undefined;
    const tracedClient = new OpenAI({
      baseURL: `${server.origin}/v1`,
      apiKey: 'test',
      maxRetries: 0,
      fetch: (url, init) => {
        activeSpanId = trace.getActiveSpan()?.spanContext().spanId;
        return fetch(url, init);
      },
    });
    await tracedClient.chat.completions.create(
      requestBody(CHAT_OPTIONS) as any,
    );

    const span = await onlySpan(tracing);
    expect(activeSpanId).toBe(span.spanContext().spanId);
  });

  it('nests the span under the active span', async () => {
    const tracer = trace.getTracer('test');
    const parentId = await tracer.startActiveSpan('parent', async (parent) => {
      await client.chat.completions.create(requestBody(CHAT_OPTIONS) as any);
      parent.end();
      return parent.spanContext().spanId;
    });

    const chat = tracing.spans().find((span) => span.name.startsWith('chat'));
    expect(chat?.parentSpanContext?.spanId).toBe(parentId);
  });
});

describe('OpenAIInstrumentation with unusual values', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay([INVALID_VALUES]);
    client = createClient(server);
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  it('drops response values of the wrong type', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBeUndefined();
    expect(
      attributes[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER],
    ).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['length']);
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBeUndefined();
    expect(
      attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    ).toBeUndefined();
    expect(
      attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
    ).toBeUndefined();
  });

  it('drops request values of the wrong type', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: Number.NaN,
      top_p: '0.5',
      max_completion_tokens: Number.POSITIVE_INFINITY,
      stop: [1, 'end'],
    } as any);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_REQUEST_TOP_P]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS]).toBeUndefined();
    expect(attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]).toEqual(['end']);
  });

  it('records other request parameters', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 10,
      max_completion_tokens: 20,
      n: 2,
      stream: false,
      service_tier: 'flex',
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS]).toBe(20);
    expect(attributes[ATTR_GEN_AI_REQUEST_CHOICE_COUNT]).toBe(2);
    expect(attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(false);
    expect(attributes[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER]).toBe('flex');
  });

  it('names a span without a model by its operation', async () => {
    await client.chat.completions.create({
      messages: [{ role: 'user', content: 'Hi' }],
    } as any);

    const span = await onlySpan(tracing);
    expect(span.name).toBe('chat');
    expect(span.attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBeUndefined();
  });
});
