import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { BedrockRuntimeInstrumentation } from '../../../src/instrumentation/bedrock/instrumentation.js';
import { findCommandClasses } from '../../../src/instrumentation/bedrock/operations.js';
import { wrapSend } from '../../../src/instrumentation/bedrock/wrappers.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  BedrockModule,
  BedrockRuntime,
  BedrockRuntimeClient,
  commandFor,
  createClient,
  startReplay,
  tokenCounts,
  waitForSpans,
} from './support.js';

const tracing = setupTracing();
const instrumentation = new BedrockRuntimeInstrumentation();
instrumentation.manuallyInstrument(BedrockModule);

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  servers.converse = await startReplay([
    recording('bedrock--converse-cache-write'),
  ]);
  // A pause between events lets a test stop or abort mid-stream.
  servers.stream = await startReplay(
    [recording('bedrock--converse-stream')],
    20,
  );
  servers.invokeStream = await startReplay([
    recording('bedrock--invoke-model-stream-anthropic'),
  ]);
  servers.streamError = await startReplay([
    recording('bedrock--converse-stream-error'),
  ]);
  servers.validation = await startReplay([
    recording('bedrock--converse-validation-error'),
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

const converse = () => commandFor(recording('bedrock--converse-cache-write'));
const converseStream = () => commandFor(recording('bedrock--converse-stream'));

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
  const { name, message, $fault, $metadata } = error as any;
  return {
    type: (error as any).constructor.name,
    name,
    message,
    $fault,
    status: $metadata?.httpStatusCode,
  };
}

async function readEvents(stream: AsyncIterable<unknown>, limit = Infinity) {
  const events: unknown[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length >= limit) {
      break;
    }
  }
  return events;
}

describe('BedrockRuntimeInstrumentation, SDK behaviour', () => {
  it('leaves a Converse output as it is', async () => {
    const { plain, traced } = await withAndWithout(() =>
      createClient(servers.converse!.origin).send(converse() as any),
    );

    expect(traced).toEqual(plain);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('leaves a stream read to the end as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const output: any = await createClient(servers.stream!.origin).send(
        converseStream() as any,
      );
      return {
        keys: Object.keys(output),
        events: await readEvents(output.stream),
      };
    });

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 11, output: 24 });
  });

  it('keeps the stream object and its iterator', async () => {
    const output: any = await createClient(servers.invokeStream!.origin).send(
      commandFor(recording('bedrock--invoke-model-stream-anthropic')) as any,
    );
    const iterator = output.body[Symbol.asyncIterator]();

    expect(Object.keys(output)).toEqual(['body', '$metadata']);
    expect(Object.getPrototypeOf(iterator)[Symbol.toStringTag]).toBe(
      'AsyncGenerator',
    );
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
    let count = 0;
    for (let next = await iterator.next(); !next.done;) {
      count += 1;
      next = await iterator.next();
    }
    expect(count).toBe(7);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 12, output: 7 });
  });

  it('rethrows a service error as it is', async () => {
    const { plain, traced } = await withAndWithout(() =>
      createClient(servers.validation!.origin)
        .send(
          commandFor(recording('bedrock--converse-validation-error')) as any,
        )
        .then(
          () => undefined,
          (error: unknown) => describeError(error),
        ),
    );

    expect(traced).toEqual(plain);
    expect(traced?.name).toBe('ValidationException');
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('ValidationException');
  });

  it('rethrows a mid-stream exception as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const output: any = await createClient(servers.streamError!.origin).send(
        commandFor(recording('bedrock--converse-stream-error')) as any,
      );
      return readEvents(output.stream).then(
        () => undefined,
        (error: unknown) => describeError(error),
      );
    });

    expect(traced).toEqual(plain);
    expect(traced?.name).toBe('ThrottlingException');
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('ThrottlingException');
  });

  it('leaves an early break as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const output: any = await createClient(servers.stream!.origin).send(
        converseStream() as any,
      );
      return readEvents(output.stream, 2);
    });

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    // The usage arrives in the last event, which was never read, so it is
    // estimated; stream-estimate.test.ts checks the counts.
    expect(span!.attributes['tokenmeter.usage.estimated']).toBe(true);
  });

  it('leaves an abort mid-stream as it is', async () => {
    const { plain, traced } = await withAndWithout(async () => {
      const controller = new AbortController();
      const output: any = await createClient(servers.stream!.origin).send(
        converseStream() as any,
        { abortSignal: controller.signal },
      );
      const events: unknown[] = [];
      try {
        for await (const event of output.stream) {
          events.push(event);
          controller.abort();
        }
        return { count: events.length };
      } catch (error) {
        return { count: events.length, error: describeError(error) };
      }
    });

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('leaves an abort before the response as it is', async () => {
    const { plain, traced } = await withAndWithout(() => {
      const controller = new AbortController();
      const sent = createClient(servers.converse!.origin).send(
        converse() as any,
        { abortSignal: controller.signal },
      );
      controller.abort();
      return sent.then(
        () => undefined,
        (error: unknown) => describeError(error),
      );
    });

    expect(traced).toEqual(plain);
    expect(traced?.name).toBe('AbortError');
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('calls a send callback with the same output', async () => {
    const { plain, traced } = await withAndWithout(
      () =>
        new Promise((resolve, reject) => {
          createClient(servers.converse!.origin).send(
            converse() as any,
            (error: unknown, output: unknown) =>
              error ? reject(error as Error) : resolve(output),
          );
        }),
    );

    expect(traced).toEqual(plain);
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    expect(tokenCounts(span!)).toMatchObject({ input: 2072, output: 312 });
  });

  it('traces the methods of the aggregated client', async () => {
    const client = new BedrockRuntime({
      region: 'us-east-1',
      endpoint: servers.converse!.origin,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    await client.converse(converse().input as any);

    const [span] = tracing.spans();
    expect(span!.name).toBe(
      'chat us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    );
  });

  it('starts no span while disabled', async () => {
    instrumentation.disable();
    await createClient(servers.converse!.origin).send(converse() as any);

    expect(tracing.spans()).toEqual([]);
    expect(Object.hasOwn(BedrockRuntimeClient.prototype, 'send')).toBe(false);
  });
});

describe('wrapSend', () => {
  const wrapper = {
    isEnabled: () => true,
    tracer: () => trace.getTracer('test'),
    commandClasses: findCommandClasses(BedrockModule),
  };

  it('returns the promise of the original', () => {
    const promise = Promise.resolve({ usage: { inputTokens: 1 } });
    const wrapped = wrapSend(() => promise, wrapper);

    expect(wrapped.call({}, converse())).toBe(promise);
  });

  it('passes other commands straight through', async () => {
    const command = new BedrockModule.CountTokensCommand({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      input: { converse: { messages: [] } },
    });
    const wrapped = wrapSend(async () => 'counted', wrapper);

    await expect(wrapped.call({}, command)).resolves.toBe('counted');
    expect(tracing.spans()).toEqual([]);
  });

  it('rethrows a synchronous error of the original', () => {
    const failure = new TypeError('bad command');
    const wrapped = wrapSend(() => {
      throw failure;
    }, wrapper);

    expect(() => wrapped.call({}, converse())).toThrow(failure);
    expect(tracing.spans()[0]?.attributes['error.type']).toBe('TypeError');
  });
});
