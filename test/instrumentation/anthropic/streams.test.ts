import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { loadTokenCounter } from '../../../src/tokenizer/index.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  AnthropicModule,
  CACHE_REQUEST,
  CACHE_WRITE_MESSAGE,
  CACHE_WRITE_START_USAGE,
  createClient,
  eventStream,
  genAiSpans,
  messagesRecording,
  OUR_SPAN,
  parseEvents,
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
const STREAM_REQUEST = RECORDED.exchanges[0]!.request.body as any;
// The SDK drops `ping` events, so the app never receives them.
const APP_EVENTS = parseEvents(
  RECORDED.exchanges[0]!.response.body as string,
).filter((event) => event.type !== 'ping');

const CUT_SHORT: Recording = messagesRecording(
  'cut-short',
  { ...CACHE_REQUEST, stream: true },
  {
    body: eventStream(
      streamedMessageEvents({ startUsage: CACHE_WRITE_START_USAGE }),
    ),
  },
);

const FAILING: Recording = messagesRecording(
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
  servers.cutShort = await startReplay([CUT_SHORT]);
  servers.failing = await startReplay([FAILING]);
  servers.message = await startReplay([
    messagesRecording('message', CACHE_REQUEST, { body: CACHE_WRITE_MESSAGE }),
  ]);
});
afterEach(() => {
  tracing.reset();
  instrumentation.setConfig({});
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  instrumentation.disable();
  await tracing.shutdown();
});

/** Runs a scenario without instrumentation, then with it. */
async function withAndWithout<T>(scenario: () => Promise<T>) {
  instrumentation.disable();
  const plain = await scenario();
  tracing.reset();
  instrumentation.enable();
  const traced = await scenario();
  return { plain, traced };
}

/** Describes an error for comparing two runs. */
function describeError(error: unknown) {
  const { constructor, message, status } = error as any;
  return { type: constructor.name, message, status };
}

function streamText(events: any[]): string {
  return events
    .filter((event) => event.delta?.type === 'text_delta')
    .map((event) => event.delta.text)
    .join('');
}

async function readEvents(stream: AsyncIterable<unknown>, limit = Infinity) {
  const events: any[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length >= limit) {
      break;
    }
  }
  return events;
}

describe('AnthropicInstrumentation, a stream stopped early', () => {
  const client = () => createClient(servers.recorded!.origin, OUR_SPAN);

  it('estimates the output seen with a tokenizer', async () => {
    const stream: any = await client().messages.create(STREAM_REQUEST);
    const events = await readEvents(stream, 12);

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    const counter = await loadTokenCounter('o200k_base');
    const expected = counter!.count(streamText(events));
    expect(expected).toBeGreaterThan(1);
    expect(tokenCounts(span!)).toMatchObject({ input: 17, output: expected });
    expect(span!.attributes['tokenmeter.usage.estimated']).toBe(true);
    expect(span!.attributes['tokenmeter.usage.estimate_method']).toBe(
      'approximate_tokenizer:o200k_base',
    );
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('takes the last reported output when configured', async () => {
    instrumentation.setConfig({ stoppedStreamOutput: 'last_reported' });
    const stream: any = await client().messages.create(STREAM_REQUEST);
    await readEvents(stream, 12);

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 17, output: 1 });
    expect(span!.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported',
    );
  });

  it('keeps final usage when stopped after message_delta', async () => {
    const stream: any = await client().messages.create(STREAM_REQUEST);
    const events = await readEvents(stream, APP_EVENTS.length - 1);

    expect(events.at(-1).type).toBe('message_delta');

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 17, output: 158 });
    expect(span!.attributes['tokenmeter.usage.estimated']).toBeUndefined();
  });

  it('estimates a stream the server ended early', async () => {
    const cutShort = createClient(servers.cutShort!.origin, OUR_SPAN);
    const stream: any = await cutShort.messages.create({
      ...CACHE_REQUEST,
      stream: true,
    } as any);
    await readEvents(stream);

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!).input).toBe(12307);
    expect(tokenCounts(span!).cacheWrite).toBe(12304);
    expect(span!.attributes['tokenmeter.usage.estimated']).toBe(true);
  });

  it('ends a stream aborted before its first event', async () => {
    const stream: any = await client().messages.create(STREAM_REQUEST);
    stream.controller.abort();
    const events = await readEvents(stream);

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(events).toEqual([]);
    expect(tokenCounts(span!).input).toBeUndefined();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a stream that fails mid-way', async () => {
    const failing = createClient(servers.failing!.origin, OUR_SPAN);
    const stream: any = await failing.messages.create({
      ...CACHE_REQUEST,
      stream: true,
    } as any);
    const error = await readEvents(stream).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(error).toBeInstanceOf(AnthropicModule.APIError);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBeDefined();
    expect(tokenCounts(span!).input).toBe(12307);
    expect(span!.attributes['tokenmeter.usage.estimated']).toBe(true);
  });
});

describe.each(SPAN_MODES)('AnthropicInstrumentation streams, $name', (mode) => {
  const client = (server = servers.recorded!) =>
    createClient(server.origin, mode);

  it('leaves an early break as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream: any = await client().messages.create(STREAM_REQUEST);
      return readEvents(stream, 5);
    });

    expect(traced).toEqual(plain);
    expect(
      genAiSpans(await waitForSpans(() => tracing.spans(), 1)),
    ).toHaveLength(1);
  });

  it('leaves controller.abort() as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream: any = await client().messages.create(STREAM_REQUEST);
      const events: any[] = [];
      for await (const event of stream) {
        events.push(event);
        if (events.length === 3) {
          stream.controller.abort();
        }
      }
      return events.length;
    });

    expect(traced).toBe(plain);
    expect(
      genAiSpans(await waitForSpans(() => tracing.spans(), 1)),
    ).toHaveLength(1);
  });

  it('leaves a second iteration failing as it does', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream: any = await client().messages.create(STREAM_REQUEST);
      const events = await readEvents(stream);
      const second = await readEvents(stream).then(
        () => undefined,
        (caught: unknown) => describeError(caught),
      );
      return { count: events.length, second };
    });

    expect(traced).toEqual(plain);
    expect(plain.second?.message).toContain('consumed stream');
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(tokenCounts(spans[0]!)).toMatchObject({ input: 17, output: 158 });
  });

  it('leaves tee() as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream: any = await client().messages.create(STREAM_REQUEST);
      const [left, right] = stream.tee();
      const leftEvents = await readEvents(left);
      const rightEvents = await readEvents(right);
      return { leftEvents, rightEvents };
    });

    expect(traced).toEqual(plain);
    expect(traced.leftEvents).toEqual(APP_EVENTS);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(tokenCounts(spans[0]!)).toMatchObject({ input: 17, output: 158 });
  });

  it('leaves withResponse() on a stream as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const { data, response, request_id } = await client()
        .messages.create(STREAM_REQUEST)
        .withResponse();
      const events = await readEvents(data as any);
      return { status: response.status, request_id, events };
    });

    expect(traced).toEqual(plain);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(tokenCounts(spans[0]!)).toMatchObject({ input: 17, output: 158 });
  });

  it('leaves asResponse() as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const response = await client(servers.message)
        .messages.create(CACHE_REQUEST as any)
        .asResponse();
      return { status: response.status, body: await response.json() };
    });

    expect(traced).toEqual(plain);
    expect(traced.body).toEqual(CACHE_WRITE_MESSAGE);
    expect(genAiSpans(tracing.spans())).toHaveLength(1);
  });

  it('leaves asResponse() on a stream as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const response = await client()
        .messages.create(STREAM_REQUEST)
        .asResponse();
      return { status: response.status, body: await response.text() };
    });

    expect(traced).toEqual(plain);
    expect(
      genAiSpans(await waitForSpans(() => tracing.spans(), 1)),
    ).toHaveLength(1);
  });

  it('rethrows a mid-stream error as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream: any = await client(servers.failing).messages.create({
        ...CACHE_REQUEST,
        stream: true,
      } as any);
      return readEvents(stream).then(
        () => undefined,
        (caught: unknown) => describeError(caught),
      );
    });

    expect(traced).toEqual(plain);
    expect(traced).toBeDefined();
  });
});
