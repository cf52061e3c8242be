import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { loadedTokenCounter } from '../../../src/tokenizer/index.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  AnthropicModule,
  CACHE_REQUEST,
  CACHE_WRITE_START_USAGE,
  createClient,
  errorBody,
  eventStream,
  genAiSpans,
  messagesRecording,
  OUR_SPAN,
  SDK_SCOPE,
  SDK_SPAN,
  SDK_TRACES_ITSELF,
  startReplay,
  streamedMessageEvents,
  tokenCounts,
  waitForSpans,
} from './support.js';

// These tests pin down what the spans of an @anthropic-ai/sdk that traces
// itself carry, because tokenmeter prices those spans in place of its own.
const tracing = setupTracing();
const instrumentation = new AnthropicInstrumentation();
instrumentation.manuallyInstrument(AnthropicModule);

const RECORDED = recording('anthropic--messages-streaming');
const STREAM_REQUEST = RECORDED.exchanges[0]!.request.body as any;

const THINKING = messagesRecording(
  'thinking',
  { ...CACHE_REQUEST, temperature: 1, top_k: 5, stream: true },
  {
    body: eventStream(
      streamedMessageEvents({
        startUsage: {
          input_tokens: 5,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 2000,
          output_tokens: 1,
        },
        deltaUsage: {
          output_tokens: 730,
          output_tokens_details: { thinking_tokens: 412 },
        },
      }),
    ),
  },
);

const FAILING = messagesRecording(
  'failing',
  { ...CACHE_REQUEST, stream: true },
  {
    body:
      eventStream(
        streamedMessageEvents({ startUsage: CACHE_WRITE_START_USAGE }),
      ) +
      'event: error\n' +
      'data: {"type":"error","error":{"type":"overloaded_error",' +
      '"message":"Overloaded"}}\n\n',
  },
);

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  servers.recorded = await startReplay([RECORDED]);
  servers.failing = await startReplay([FAILING]);
  servers.thinking = await startReplay([THINKING]);
  servers.overloaded = await startReplay([
    messagesRecording('overloaded', CACHE_REQUEST, {
      status: 529,
      body: errorBody('overloaded_error', 'Overloaded'),
    }),
  ]);
});
afterEach(() => tracing.reset());
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  instrumentation.disable();
  await tracing.shutdown();
});

describe.runIf(SDK_TRACES_ITSELF)('@anthropic-ai/sdk native span', () => {
  it('is a CLIENT span named after the SDK method', async () => {
    const client = createClient(servers.thinking!.origin, SDK_SPAN);
    const stream: any = await client.messages.create(
      THINKING.exchanges[0]!.request.body as any,
    );
    for await (const _event of stream) {
      // Read to the end.
    }

    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('anthropic.messages.create');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.instrumentationScope.name).toBe(SDK_SCOPE);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_01StreamedCache',
      'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.usage.input_tokens': 2005,
      'gen_ai.usage.cache_read.input_tokens': 2000,
      'gen_ai.usage.cache_write.input_tokens': 0,
      'gen_ai.usage.output_tokens': 730,
      'gen_ai.usage.reasoning.output_tokens': 412,
      'anthropic.message.stop_reason': 'end_turn',
      'server.address': '127.0.0.1',
    });
  });

  // Sampling parameters are left out: 0.137 records temperature, top_p and
  // top_k, 1.17 does not.
  it('names the stop reason and cache write its own way', async () => {
    const client = createClient(servers.thinking!.origin, SDK_SPAN);
    await client.messages
      .stream(THINKING.exchanges[0]!.request.body as any)
      .finalMessage();

    const span = genAiSpans(tracing.spans())[0]!;
    expect(span.attributes['anthropic.message.stop_reason']).toBe('end_turn');
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.cache_write.input_tokens']).toBe(0);
    expect(
      span.attributes['gen_ai.usage.cache_creation.input_tokens'],
    ).toBeUndefined();
  });

  it('types an API error by its error type', async () => {
    const client = createClient(servers.overloaded!.origin, SDK_SPAN);
    await client.messages.create(CACHE_REQUEST as any).catch(() => undefined);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('overloaded_error');
    expect(span.attributes['http.response.status_code']).toBe(529);
  });

  it('is off with ANTHROPIC_OPEN_TELEMETRY=false, so ours is used', async () => {
    process.env.ANTHROPIC_OPEN_TELEMETRY = 'false';
    let client;
    try {
      client = createClient(servers.recorded!.origin, SDK_SPAN);
    } finally {
      delete process.env.ANTHROPIC_OPEN_TELEMETRY;
    }
    await client.messages.stream(STREAM_REQUEST).finalMessage();

    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]!.instrumentationScope.name).toBe(OUR_SPAN.scope);
  });

  // NOTE: this is a known gap. A client given its own tracer provider sends
  // its spans there, and tokenmeter starts none, so the call is priced only
  // if that provider has the cost processor.
  it('sends its span to a tracer provider it was given', async () => {
    const exporter = new InMemorySpanExporter();
    const own = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const client = createClient(servers.recorded!.origin, SDK_SPAN, {
      openTelemetry: { tracerProvider: own },
    });
    await client.messages.stream(STREAM_REQUEST).finalMessage();

    expect(genAiSpans(tracing.spans())).toHaveLength(0);
    expect(genAiSpans(exporter.getFinishedSpans())).toHaveLength(1);
    await own.shutdown();
  });
});

// The SDK's span of a stream stopped before `message_delta` has the input
// counts of `message_start` and no output count, so tokenmeter writes an
// estimate onto it before it ends. Claude's tokenizer is not public, so the
// output is counted with o200k_base in its place.
describe.runIf(SDK_TRACES_ITSELF)(
  '@anthropic-ai/sdk span, stopped early',
  () => {
    // The app reads message_start, content_block_start and 8 text deltas,
    // whose text "Sure, here's a joke about OpenTelemetry:\n\nWhy did the
    // developer choose OpenTelemetry for their distribute" is 19 tokens.
    const TEN_EVENTS_OUTPUT = 19;

    afterEach(() => instrumentation.setConfig({}));

    async function readSome(stream: unknown, count: number) {
      let events = 0;
      for await (const _event of stream as AsyncIterable<unknown>) {
        if (++events === count) {
          break;
        }
      }
    }

    it('gets the output estimate when the app breaks', async () => {
      // The first estimate waits for the tokenizer to load, and the span
      // keeps the time the SDK ended it at.
      expect(loadedTokenCounter('o200k_base')).toBeUndefined();
      const client = createClient(servers.recorded!.origin, SDK_SPAN);
      await readSome(await client.messages.create(STREAM_REQUEST), 10);
      const stoppedAt = Date.now();

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      expect(hrTimeToMilliseconds(span.endTime)).toBeLessThanOrEqual(
        stoppedAt + 1,
      );
      expect(span.instrumentationScope.name).toBe(SDK_SCOPE);
      expect(tokenCounts(span).input).toBe(17);
      expect(tokenCounts(span).output).toBe(TEN_EVENTS_OUTPUT);
      expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
      expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
        'approximate_tokenizer:o200k_base',
      );
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('gets the output estimate when the app aborts', async () => {
      const client = createClient(servers.recorded!.origin, SDK_SPAN);
      const stream: any = await client.messages.create(STREAM_REQUEST);
      let events = 0;
      for await (const _event of stream) {
        if (++events === 10) {
          stream.controller.abort();
        }
      }

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      expect(events).toBe(10);
      expect(tokenCounts(span).output).toBe(TEN_EVENTS_OUTPUT);
      expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
    });

    it('gets the output estimate of a stream that fails', async () => {
      const client = createClient(servers.failing!.origin, SDK_SPAN);
      const stream = await client.messages.create({
        ...CACHE_REQUEST,
        stream: true,
      } as any);
      const error = await readSome(stream, Infinity).then(
        () => undefined,
        (caught: unknown) => caught,
      );

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      expect(error).toBeInstanceOf(AnthropicModule.APIError);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      // 3 input and 12,304 cache write tokens, as message_start reports, and
      // the text streamed before the error, "The document describes a
      // cache." (6).
      expect(tokenCounts(span)).toMatchObject({ input: 12307, output: 6 });
      expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
    });

    it('gets the output estimate when stream() is aborted', async () => {
      const client = createClient(servers.recorded!.origin, SDK_SPAN);
      const helper = client.messages.stream(STREAM_REQUEST);
      helper.on('text', () => helper.abort());
      await helper.done().catch(() => undefined);

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      // The helper read message_start, content_block_start and "Sure" (1)
      // before the abort.
      expect(tokenCounts(span)).toMatchObject({ input: 17, output: 1 });
      expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
        'approximate_tokenizer:o200k_base',
      );
    });

    it('takes the last reported output when configured', async () => {
      instrumentation.setConfig({ stoppedStreamOutput: 'last_reported' });
      const client = createClient(servers.recorded!.origin, SDK_SPAN);
      await readSome(await client.messages.create(STREAM_REQUEST), 10);

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      expect(tokenCounts(span).output).toBe(1);
      expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
        'last_reported',
      );
    });

    it('leaves the usage of a stream read to its end', async () => {
      const client = createClient(servers.recorded!.origin, SDK_SPAN);
      await readSome(await client.messages.create(STREAM_REQUEST), Infinity);

      const span = genAiSpans(await waitForSpans(() => tracing.spans(), 1))[0]!;
      expect(tokenCounts(span)).toMatchObject({ input: 17, output: 158 });
      expect(span.attributes['tokenmeter.usage.estimated']).toBeUndefined();
    });
  },
);
