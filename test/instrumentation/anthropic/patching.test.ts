import {
  context,
  diag,
  DiagLogLevel,
  SpanStatusCode,
  type DiagLogger,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isWrapped } from '@opentelemetry/instrumentation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  Anthropic,
  AnthropicModule,
  createClient,
  genAiSpans,
  OUR_SPAN,
  SPAN_MODES,
  startReplay,
} from './support.js';

type Method = (...args: unknown[]) => unknown;

const MESSAGES = Anthropic.Messages.prototype as unknown as Record<
  'create' | 'stream',
  Method
>;
const BETA_MESSAGES = Anthropic.Beta.Messages.prototype as unknown as Record<
  'create' | 'stream',
  Method
>;
// Taken before any instrumentation patches them.
const ORIGINAL_CREATE = MESSAGES.create;
const ORIGINAL_STREAM = MESSAGES.stream;
const ORIGINAL_BETA_CREATE = BETA_MESSAGES.create;

const tracing = setupTracing();
const instrumentation = new AnthropicInstrumentation();
instrumentation.manuallyInstrument(AnthropicModule);

const RECORDED = recording('anthropic--messages');
const REQUEST = RECORDED.exchanges[0]!.request.body as any;
const STREAMED = recording('anthropic--messages-streaming');
const STREAM_REQUEST = STREAMED.exchanges[0]!.request.body as any;

let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay([RECORDED, STREAMED]);
});
afterEach(() => {
  instrumentation.enable();
  tracing.reset();
});
afterAll(async () => {
  await server.close();
  instrumentation.disable();
  await tracing.shutdown();
});

function silentLogger(): DiagLogger {
  const ignore = () => undefined;
  return {
    error: ignore,
    warn: ignore,
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
}

/**
 * Puts a recorder under the instrumentation's wrapper, so a test can compare
 * what the wrapped method returns with what the SDK's method returned.
 */
async function withRecorder<T>(
  prototype: Record<string, Method>,
  name: string,
  test: (returned: () => unknown) => Promise<T>,
): Promise<T> {
  instrumentation.disable();
  const original = prototype[name]!;
  let returned: unknown;
  prototype[name] = function (this: unknown, ...args: unknown[]) {
    returned = original.apply(this, args);
    return returned;
  };
  instrumentation.enable();
  try {
    return await test(() => returned);
  } finally {
    instrumentation.disable();
    prototype[name] = original;
  }
}

describe.each(SPAN_MODES)(
  'AnthropicInstrumentation wrappers, $name',
  (mode) => {
    const client = () => createClient(server.origin, mode);

    it('returns the APIPromise that create() returns', async () => {
      await withRecorder(MESSAGES, 'create', async (returned) => {
        const promise = client().messages.create(REQUEST);

        expect(promise).toBe(returned());
        expect(promise).toBeInstanceOf(AnthropicModule.APIPromise);
        await promise;
      });
    });

    it('returns the streaming APIPromise that create() returns', async () => {
      await withRecorder(MESSAGES, 'create', async (returned) => {
        const promise = client().messages.create(STREAM_REQUEST);

        expect(promise).toBe(returned());
        const stream: any = await promise;
        expect(stream.constructor.name).toBe('Stream');
        for await (const _event of stream) {
          // Read to the end, which ends the span.
        }
      });
    });

    it('returns the APIPromise of beta.messages.create()', async () => {
      await withRecorder(BETA_MESSAGES, 'create', async (returned) => {
        const promise = client().beta.messages.create(REQUEST);

        expect(promise).toBe(returned());
        await promise;
      });
    });

    it('returns the MessageStream that stream() returns', async () => {
      const { stream: _stream, ...helperRequest } = STREAM_REQUEST;
      await withRecorder(MESSAGES, 'stream', async (returned) => {
        const stream = client().messages.stream(helperRequest);

        expect(stream).toBe(returned());
        await stream.finalMessage();
      });
    });

    it('wraps create() and stream() in both modes', () => {
      expect(isWrapped(MESSAGES.create)).toBe(true);
      expect(isWrapped(MESSAGES.stream)).toBe(true);
      expect(isWrapped(BETA_MESSAGES.create)).toBe(true);
      expect(isWrapped(BETA_MESSAGES.stream)).toBe(true);
    });

    it('rethrows what create() throws at once', () => {
      const attempt = () => {
        try {
          void client().messages.create(undefined as any);
          return undefined;
        } catch (error) {
          return error;
        }
      };
      instrumentation.disable();
      const plain = attempt();
      instrumentation.enable();
      const traced = attempt();

      expect(traced).toBeInstanceOf(Error);
      expect((traced as Error).constructor).toBe((plain as Error).constructor);
      expect((traced as Error).message).toBe((plain as Error).message);
      if (mode === OUR_SPAN) {
        const spans = genAiSpans(tracing.spans());
        expect(spans).toHaveLength(1);
        expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
      }
    });
  },
);

describe('AnthropicInstrumentation enable and disable', () => {
  it('restores the original methods on disable()', () => {
    instrumentation.disable();

    expect(MESSAGES.create).toBe(ORIGINAL_CREATE);
    expect(MESSAGES.stream).toBe(ORIGINAL_STREAM);
    expect(BETA_MESSAGES.create).toBe(ORIGINAL_BETA_CREATE);
  });

  it('starts no span when disabled', async () => {
    instrumentation.disable();
    await createClient(server.origin, OUR_SPAN).messages.create(REQUEST);

    expect(genAiSpans(tracing.spans())).toHaveLength(0);
  });

  it('patches again on enable()', async () => {
    instrumentation.disable();
    instrumentation.enable();
    await createClient(server.origin, OUR_SPAN).messages.create(REQUEST);

    expect(isWrapped(MESSAGES.create)).toBe(true);
    expect(genAiSpans(tracing.spans())).toHaveLength(1);
  });

  it('warns of a stream() that bypasses create()', () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        ...silentLogger(),
        // The component logger passes its namespace first.
        warn: (...args: unknown[]) => warnings.push(args.join(' ')),
      },
      DiagLogLevel.WARN,
    );
    class Messages {
      create() {
        return 'created';
      }
      stream() {
        return 'streamed without create';
      }
    }
    const other = new AnthropicInstrumentation();
    try {
      other.manuallyInstrument({ Anthropic: { Messages } });
      const result = new Messages().stream();

      expect(result).toBe('streamed without create');
      expect(warnings.join('\n')).toContain('without messages.create()');
    } finally {
      other.disable();
      diag.disable();
    }
  });

  it('ignores a module without a Messages class', () => {
    expect(() => instrumentation.manuallyInstrument({})).not.toThrow();
    expect(() => instrumentation.manuallyInstrument(undefined)).not.toThrow();
  });
});

describe('AnthropicInstrumentation when telemetry fails', () => {
  const throwingProvider = {
    getTracer: () => ({
      startSpan: () => {
        throw new Error('tracer failed');
      },
      startActiveSpan: () => {
        throw new Error('tracer failed');
      },
    }),
  } as unknown as TracerProvider;

  it('still makes the call and returns its result', async () => {
    instrumentation.setTracerProvider(throwingProvider);
    try {
      const message = await createClient(
        server.origin,
        OUR_SPAN,
      ).messages.create(REQUEST);

      expect(message.usage.output_tokens).toBe(137);
    } finally {
      instrumentation.setTracerProvider(tracing.provider);
    }
  });

  it('makes the call when activating the span fails', async () => {
    // Fails the first activation, which is the wrapper's, and no other, so
    // that the span still reaches the exporter.
    const failing = new AsyncLocalStorageContextManager().enable();
    const activate = failing.with.bind(failing);
    let failed = false;
    (failing as any).with = (...args: Parameters<typeof activate>) => {
      if (!failed) {
        failed = true;
        throw new Error('context manager failed');
      }
      return activate(...args);
    };
    context.disable();
    context.setGlobalContextManager(failing);
    let message;
    try {
      message = await createClient(server.origin, OUR_SPAN).messages.create(
        REQUEST,
      );
    } finally {
      context.disable();
      context.setGlobalContextManager(
        new AsyncLocalStorageContextManager().enable(),
      );
    }

    expect(failed).toBe(true);
    expect(message.usage.output_tokens).toBe(137);
    const spans = genAiSpans(tracing.spans());
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['gen_ai.usage.output_tokens']).toBe(137);
  });
});
