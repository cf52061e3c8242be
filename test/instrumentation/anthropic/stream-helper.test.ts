import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  AnthropicModule,
  CACHE_REQUEST,
  createClient,
  errorBody,
  eventStream,
  genAiSpans,
  messagesRecording,
  SPAN_MODES,
  startReplay,
  streamedMessageEvents,
  tokenCounts,
  waitForSpans,
} from './support.js';

const tracing = setupTracing();
const instrumentation = new AnthropicInstrumentation();
instrumentation.manuallyInstrument(AnthropicModule);

const RECORDED = recording('anthropic--messages-streaming');
const REQUEST = RECORDED.exchanges[0]!.request.body as any;
const { stream: _stream, ...HELPER_REQUEST } = REQUEST;

const CACHE_STREAM = messagesRecording(
  'cache-stream',
  { ...CACHE_REQUEST, stream: true },
  {
    body: eventStream(
      streamedMessageEvents({
        startUsage: {
          input_tokens: 3,
          cache_creation_input_tokens: 12304,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
        deltaUsage: { output_tokens: 550 },
      }),
    ),
  },
);

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  servers.recorded = await startReplay([RECORDED]);
  servers.cache = await startReplay([CACHE_STREAM]);
  servers.overloaded = await startReplay([
    messagesRecording('overloaded', REQUEST, {
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

async function withAndWithout<T>(scenario: () => Promise<T>) {
  instrumentation.disable();
  const plain = await scenario();
  tracing.reset();
  instrumentation.enable();
  const traced = await scenario();
  return { plain, traced };
}

function describeError(error: unknown) {
  const { constructor, message, status } = error as any;
  return { type: constructor.name, message, status };
}

describe.each(SPAN_MODES)('messages.stream(), $name', (mode) => {
  const client = (server = servers.recorded!) =>
    createClient(server.origin, mode);

  it('records one span with the usage of the stream', async () => {
    const { plain, traced } = await withAndWithout(() =>
      client().messages.stream(HELPER_REQUEST).finalMessage(),
    );

    expect(traced).toEqual(plain);
    expect(traced.usage.output_tokens).toBe(158);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]!.instrumentationScope.name).toBe(mode.scope);
    expect(tokenCounts(spans[0]!)).toMatchObject({ input: 17, output: 158 });
  });

  it('counts the cache write and final output once', async () => {
    await client(servers.cache)
      .messages.stream(CACHE_REQUEST as any)
      .finalMessage();

    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(tokenCounts(spans[0]!)).toMatchObject({
      input: 12307,
      output: 550,
      cacheWrite: 12304,
    });
  });

  it('records one span for beta.messages.stream()', async () => {
    const { plain, traced } = await withAndWithout(() =>
      client().beta.messages.stream(HELPER_REQUEST).finalText(),
    );

    expect(traced).toEqual(plain);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(tokenCounts(spans[0]!)).toMatchObject({ input: 17, output: 158 });
  });

  it('leaves withResponse() as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream = client().messages.stream(HELPER_REQUEST);
      const { data, response, request_id } = await stream.withResponse();
      const message = await data.finalMessage();
      return {
        same: data === stream,
        status: response.status,
        request_id,
        message,
      };
    });

    expect(traced).toEqual(plain);
    expect(traced.same).toBe(true);
    expect(genAiSpans(tracing.spans())).toHaveLength(1);
  });

  it('leaves an early break as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream = client().messages.stream(HELPER_REQUEST);
      const types: string[] = [];
      for await (const event of stream) {
        types.push(event.type);
        if (types.length === 4) {
          break;
        }
      }
      const ended = await stream.done().then(
        () => 'done',
        (caught: unknown) => describeError(caught),
      );
      return { types, ended, aborted: stream.aborted };
    });

    expect(traced).toEqual(plain);
    expect(
      genAiSpans(await waitForSpans(() => tracing.spans(), 1)),
    ).toHaveLength(1);
  });

  it('leaves abort() as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream = client().messages.stream(HELPER_REQUEST);
      let events = 0;
      stream.on('streamEvent', () => {
        events += 1;
        if (events === 3) {
          stream.abort();
        }
      });
      const ended = await stream.finalMessage().then(
        () => 'done',
        (caught: unknown) => describeError(caught),
      );
      return { ended, aborted: stream.aborted };
    });

    expect(traced).toEqual(plain);
    expect(traced.aborted).toBe(true);
    const spans = genAiSpans(await waitForSpans(() => tracing.spans(), 1));
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('rethrows an API error as the same class', async () => {
    const { plain, traced } = await withAndWithout(() =>
      client(servers.overloaded)
        .messages.stream(HELPER_REQUEST)
        .finalMessage()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        ),
    );

    expect(traced).toBeInstanceOf(AnthropicModule.APIError);
    expect(describeError(traced)).toEqual(describeError(plain));
    expect((traced as { status?: number }).status).toBe(529);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
