import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import { setupTracing } from '../../support/tracing.js';
import {
  anthropicRecordings,
  AnthropicModule,
  CACHE_REQUEST,
  CACHE_WRITE_MESSAGE,
  CACHE_WRITE_START_USAGE,
  createClient,
  errorBody,
  eventStream,
  expectedCounts,
  genAiSpans,
  messagesRecording,
  recordedUsage,
  SPAN_MODES,
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

/** Sends the recorded request the way the recording's URL and body ask. */
async function replay(recording: Recording, mode = SPAN_MODES[0]!) {
  const server = await startReplay([recording]);
  try {
    const client = createClient(server.origin, mode);
    const exchange = recording.exchanges[0]!;
    const body = exchange.request.body as any;
    const messages: any = exchange.request.url.includes('beta=true')
      ? client.beta.messages
      : client.messages;
    const result: any = await messages.create(body);
    if (body.stream) {
      for await (const _event of result) {
        // Read to the end, as an app does.
      }
    }
  } finally {
    await server.close();
  }
}

const WITH_USAGE = anthropicRecordings().filter(
  (each) => recordedUsage(each.exchanges[0]!.response.body).input_tokens,
);

const BUILT: Recording[] = [
  messagesRecording('cache-write', CACHE_REQUEST, {
    body: CACHE_WRITE_MESSAGE,
  }),
  messagesRecording(
    'streamed-cache-write',
    { ...CACHE_REQUEST, stream: true },
    {
      body: eventStream(
        streamedMessageEvents({
          startUsage: CACHE_WRITE_START_USAGE,
          deltaUsage: { output_tokens: 550 },
        }),
      ),
    },
  ),
  messagesRecording(
    'streamed-totals-repeated-in-delta',
    { ...CACHE_REQUEST, stream: true },
    {
      body: eventStream(
        streamedMessageEvents({
          startUsage: {
            input_tokens: 5,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 2000,
            output_tokens: 1,
          },
          // Newer API versions repeat the input and cache totals here.
          deltaUsage: {
            input_tokens: 5,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 2000,
            output_tokens: 730,
            output_tokens_details: { thinking_tokens: 412 },
          },
        }),
      ),
    },
  ),
];

describe.each(SPAN_MODES)('AnthropicInstrumentation, $name', (mode) => {
  it('finds recordings with usage to check', () => {
    expect(WITH_USAGE.length).toBeGreaterThanOrEqual(4);
  });

  it.each([...WITH_USAGE, ...BUILT].map((each) => [each.name, each]))(
    'records the usage of %s once',
    async (_name, recording) => {
      await replay(recording, mode);

      const spans = genAiSpans(tracing.spans());
      expect(spans).toHaveLength(1);
      const span = spans[0]!;
      expect(span.instrumentationScope.name).toBe(mode.scope);
      expect(span.kind).toBe(SpanKind.CLIENT);
      const usage = recordedUsage(recording.exchanges[0]!.response.body);
      expect(tokenCounts(span)).toEqual(expectedCounts(usage));
    },
  );

  it('counts a cache write in the input', async () => {
    await replay(BUILT[0]!, mode);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(tokenCounts(span)).toEqual({
      input: 12307,
      output: 550,
      cacheRead: 0,
      cacheWrite: 12304,
      reasoning: undefined,
    });
  });

  it('takes the final output of a stream once', async () => {
    await replay(BUILT[1]!, mode);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(tokenCounts(span).output).toBe(550);
    expect(tokenCounts(span).input).toBe(12307);
  });

  it('does not add totals repeated in message_delta', async () => {
    await replay(BUILT[2]!, mode);

    const span = genAiSpans(tracing.spans())[0]!;
    expect(tokenCounts(span)).toEqual({
      input: 2005,
      output: 730,
      cacheRead: 2000,
      cacheWrite: 0,
      reasoning: 412,
    });
  });

  it.each([
    [529, 'overloaded_error', 'Overloaded'],
    [400, 'invalid_request_error', 'max_tokens: Field required'],
  ])('marks a %i API error on the span', async (status, type, message) => {
    const recording = messagesRecording('error', CACHE_REQUEST, {
      status,
      body: errorBody(type, message),
    });
    const server = await startReplay([recording]);
    const client = createClient(server.origin, mode);

    const error = await client.messages.create(CACHE_REQUEST as any).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await server.close();

    expect(error).toBeInstanceOf(AnthropicModule.APIError);
    expect((error as { status?: number }).status).toBe(status);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[0]!.attributes['error.type']).toBeDefined();
    expect(tokenCounts(spans[0]!).input).toBeUndefined();
  });
});
