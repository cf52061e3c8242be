import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GoogleGenAIInstrumentation } from '../../../src/instrumentation/google-genai/instrumentation.js';
import { wrapGenerate } from '../../../src/instrumentation/google-genai/wrappers.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  createClient,
  GoogleGenAIModule,
  startReplay,
  tokenCounts,
  waitForSpans,
} from './support.js';

const tracing = setupTracing();
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.manuallyInstrument(GoogleGenAIModule);

const STREAM = { model: 'gemini-2.5-flash', contents: 'Explain spans.' };
const PLAIN = { model: 'gemini-3-pro-preview', contents: 'Plan a trip.' };

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  servers.plain = await startReplay([
    recording('google--generate-content-thinking'),
  ]);
  // A pause between chunks lets a test stop or abort mid-stream.
  servers.stream = await startReplay(
    [recording('google--generate-content-stream')],
    20,
  );
  servers.error = await startReplay([
    recording('google--generate-content-error'),
  ]);
  servers.streamError = await startReplay([
    recording('google--generate-content-stream-error'),
  ]);
});
afterEach(() => {
  tracing.reset();
  instrumentation.enable();
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
  const { constructor, message, status, name } = error as any;
  return { type: constructor.name, name, message, status };
}

/**
 * Serializes responses for comparing two runs, without the `date` header
 * that the SDK copies into `sdkHttpResponse` and that differs between runs.
 */
function withoutDate(value: unknown): string {
  return JSON.stringify(value, (key, field: unknown) =>
    key === 'date' ? undefined : field,
  );
}

async function readChunks(stream: AsyncIterable<unknown>, limit = Infinity) {
  const chunks: unknown[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    if (chunks.length >= limit) {
      break;
    }
  }
  return chunks;
}

describe('GoogleGenAIInstrumentation, SDK behaviour', () => {
  it('leaves a response as it is', async () => {
    const { plain, traced } = await withAndWithout(() =>
      createClient(servers.plain!.origin).models.generateContent(PLAIN),
    );

    expect(traced).toBeInstanceOf(GoogleGenAIModule.GenerateContentResponse);
    expect(withoutDate(traced)).toBe(withoutDate(plain));
    expect(tracing.spans()).toHaveLength(1);
  });

  it('leaves a stream read to the end as it is', async () => {
    const { plain, traced } = await withAndWithout(async () =>
      withoutDate(
        await readChunks(
          await createClient(
            servers.stream!.origin,
          ).models.generateContentStream(STREAM),
        ),
      ),
    );

    expect(traced).toBe(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 11, output: 128 });
  });

  it('rethrows an API error as it is', async () => {
    const { plain, traced } = await withAndWithout(() =>
      createClient(servers.error!.origin)
        .models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
        .then(
          () => undefined,
          (error: unknown) => describeError(error),
        ),
    );

    expect(traced).toEqual(plain);
    expect(traced).toBeDefined();
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    // @google/genai 2.0.0 throws a plain Error, without the HTTP status.
    const expectedType = traced?.status === 429 ? '429' : traced?.type;
    expect(span!.attributes['error.type']).toBe(expectedType);
  });

  it('rethrows a mid-stream error as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const stream = await createClient(
        servers.streamError!.origin,
      ).models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'x',
      });
      return readChunks(stream).then(
        () => undefined,
        (error: unknown) => describeError(error),
      );
    });

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    if (plain === undefined) {
      // @google/genai 2.0.0 yields an error chunk as a response and ends
      // the stream without an exception.
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
      return;
    }
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(tokenCounts(span!)).toMatchObject({ input: 5, output: 4 });
    expect(span!.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported',
    );
  });

  it('leaves an early break as it is', async () => {
    const { plain, traced } = await withAndWithout(async () =>
      withoutDate(
        await readChunks(
          await createClient(
            servers.stream!.origin,
          ).models.generateContentStream(STREAM),
          1,
        ),
      ),
    );

    expect(traced).toBe(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    // Only the first chunk's usage was seen: a lower bound, marked so.
    expect(tokenCounts(span!)).toMatchObject({ input: 11, output: 6 + 87 });
    expect(span!.attributes['tokenmeter.usage.estimated']).toBe(true);
    expect(span!.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported',
    );
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('leaves an abort mid-stream as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const controller = new AbortController();
      const stream = await createClient(
        servers.stream!.origin,
      ).models.generateContentStream({
        ...STREAM,
        config: { abortSignal: controller.signal },
      });
      const chunks: unknown[] = [];
      try {
        for await (const chunk of stream) {
          chunks.push(chunk);
          controller.abort();
        }
        return { count: chunks.length };
      } catch (error) {
        return { count: chunks.length, error: describeError(error) };
      }
    });

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('traces a chat message', async () => {
    const chat = createClient(servers.plain!.origin).chats.create({
      model: 'gemini-3-pro-preview',
    });
    await chat.sendMessage({ message: 'Plan a trip.' });

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.name).toBe('generate_content gemini-3-pro-preview');
    expect(tokenCounts(span!)).toMatchObject({ input: 324, output: 1859 });
  });

  it('starts no span while disabled', async () => {
    instrumentation.disable();
    await createClient(servers.plain!.origin).models.generateContent(PLAIN);

    expect(tracing.spans()).toEqual([]);
  });

  it('parents the HTTP call to the span', async () => {
    let activeInCall: unknown;
    const original = async function (this: unknown) {
      activeInCall = trace.getActiveSpan();
      return {};
    };
    const wrapped = wrapGenerate(
      original,
      { isEnabled: () => true, tracer: () => trace.getTracer('test') },
      false,
    );
    await wrapped.call({}, { model: 'gemini-2.5-flash' });

    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect((activeInCall as any)?.spanContext().spanId).toBe(
      span!.spanContext().spanId,
    );
  });
});

describe('wrapGenerate', () => {
  const wrapper = {
    isEnabled: () => true,
    tracer: () => trace.getTracer('test'),
  };

  it('returns the promise of the original', () => {
    const promise = Promise.resolve({ text: 'hello' });
    const wrapped = wrapGenerate(() => promise, wrapper, false);

    expect(wrapped.call({}, { model: 'm' })).toBe(promise);
  });

  it('resolves a stream to the same object', async () => {
    async function* chunks() {
      yield { usageMetadata: { promptTokenCount: 1 } };
    }
    const stream = chunks();
    const wrapped = wrapGenerate(() => Promise.resolve(stream), wrapper, true);

    const resolved = await (wrapped.call({}, { model: 'm' }) as Promise<any>);
    expect(resolved).toBe(stream);
    expect(Object.getPrototypeOf(resolved)).toBe(
      Object.getPrototypeOf(chunks()),
    );
    expect(await readChunks(resolved)).toHaveLength(1);
  });

  it('rethrows a synchronous error of the original', () => {
    const failure = new TypeError('bad params');
    const wrapped = wrapGenerate(
      () => {
        throw failure;
      },
      wrapper,
      false,
    );

    expect(() => wrapped.call({}, { model: 'm' })).toThrow(failure);
    expect(tracing.spans()[0]?.attributes['error.type']).toBe('TypeError');
  });

  it('runs the original when starting the span fails', async () => {
    const failing = {
      isEnabled: () => true,
      tracer: () => {
        throw new Error('no tracer');
      },
    };
    const wrapped = wrapGenerate(async () => 'result', failing, false);

    await expect(wrapped.call({}, { model: 'm' })).resolves.toBe('result');
    expect(tracing.spans()).toEqual([]);
  });
});
