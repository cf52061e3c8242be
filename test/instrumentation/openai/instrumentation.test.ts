import {
  diag,
  DiagLogLevel,
  SpanStatusCode,
  type DiagLogger,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';

import { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import { resetWarnings } from '../../../src/internal/diag.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { ATTR_ERROR_TYPE } from '../../../src/semconv.js';
import { recording } from '../../support/recordings.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  createClient,
  instrumentOpenAI,
  OpenAI,
  openaiModule,
  onlySpan,
  requestBody,
  startReplay,
} from './support.js';

const CHAT = recording('openai--chat');

const PROTOTYPES: Record<string, object> = {
  'OpenAI.Chat.Completions': OpenAI.Chat.Completions.prototype,
  'OpenAI.Responses': OpenAI.Responses.prototype,
  'OpenAI.Embeddings': OpenAI.Embeddings.prototype,
};

/** Tells whether the `create` method of a prototype is patched. */
function isPatched(prototype: object): boolean {
  return isWrapped((prototype as { create?: unknown }).create);
}

/** Installs a diag logger that keeps its error and warning messages. */
function captureDiag() {
  const messages: Record<'error' | 'warn', string[]> = { error: [], warn: [] };
  const keep =
    (level: 'error' | 'warn') =>
    (message: string, ...args: unknown[]) =>
      messages[level].push([message, ...args].join(' '));
  const logger: DiagLogger = {
    error: keep('error'),
    warn: keep('warn'),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
  return messages;
}

/** Builds a module shaped like openai whose chat `create` runs `create`. */
function fakeOpenAIModule(create: (...args: unknown[]) => unknown) {
  class Completions {
    _client = { baseURL: 'https://api.openai.com/v1' };
    create(...args: unknown[]): unknown {
      return create(...args);
    }
  }
  return { OpenAI: { Chat: { Completions } } };
}

describe('OpenAIInstrumentation lifecycle', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;

  beforeAll(async () => {
    tracing = setupTracing();
    server = await startReplay([CHAT], { match: 'strict' });
    client = createClient(server);
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('patches the create method of each resource', () => {
    const instrumentation = instrumentOpenAI();

    for (const [path, prototype] of Object.entries(PROTOTYPES)) {
      expect(isPatched(prototype), path).toBe(true);
    }
    instrumentation.disable();
  });

  it('unpatches every method on disable', async () => {
    const instrumentation = instrumentOpenAI();
    instrumentation.disable();

    for (const [path, prototype] of Object.entries(PROTOTYPES)) {
      expect(isPatched(prototype), path).toBe(false);
    }
    await client.chat.completions.create(requestBody(CHAT) as any);
    expect(tracing.spans()).toHaveLength(0);
  });

  it('patches again on enable', async () => {
    const instrumentation = instrumentOpenAI();
    instrumentation.disable();
    instrumentation.enable();

    expect(isPatched(OpenAI.Chat.Completions.prototype)).toBe(true);
    await client.chat.completions.create(requestBody(CHAT) as any);
    await onlySpan(tracing);
    instrumentation.disable();
  });

  it('waits for enable to patch a module', () => {
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.manuallyInstrument(openaiModule);

    expect(isPatched(OpenAI.Chat.Completions.prototype)).toBe(false);
    instrumentation.enable();
    expect(isPatched(OpenAI.Chat.Completions.prototype)).toBe(true);
    instrumentation.disable();
  });

  it('patches a module with a default export only', () => {
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.manuallyInstrument({ default: OpenAI });
    instrumentation.enable();

    expect(isPatched(OpenAI.Embeddings.prototype)).toBe(true);
    instrumentation.disable();
    expect(isPatched(OpenAI.Embeddings.prototype)).toBe(false);
  });

  it('passes calls through when disabled at run time', async () => {
    const instrumentation = instrumentOpenAI();
    const prototype = OpenAI.Chat.Completions.prototype as any;
    const patched = prototype.create;
    instrumentation.disable();
    prototype.create = patched;

    try {
      await client.chat.completions.create(requestBody(CHAT) as any);
      expect(tracing.spans()).toHaveLength(0);
    } finally {
      prototype.create = patched.__original;
    }
  });
});

describe('OpenAIInstrumentation failures', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let messages: ReturnType<typeof captureDiag>;

  beforeAll(async () => {
    tracing = setupTracing();
    server = await startReplay([CHAT], { match: 'strict' });
    client = createClient(server);
  });
  beforeEach(() => {
    messages = captureDiag();
    resetWarnings();
  });
  afterEach(() => {
    tracing.reset();
    diag.disable();
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('warns about a module without the resources', () => {
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.enable();

    expect(() => instrumentation.manuallyInstrument({})).not.toThrow();
    expect(messages.warn.join('\n')).toContain(
      'Cannot trace OpenAI.Chat.Completions calls',
    );
    instrumentation.disable();
  });

  it('calls the SDK when the span cannot start', async () => {
    const instrumentation = instrumentOpenAI();
    const failing: TracerProvider = {
      getTracer: () =>
        ({
          startSpan: () => {
            throw new Error('tracer failed');
          },
        }) as unknown as Tracer,
    };
    instrumentation.setTracerProvider(failing);

    try {
      const completion = await client.chat.completions.create(
        requestBody(CHAT) as any,
      );
      expect(completion.id).toBe((CHAT.exchanges[0]!.response.body as any).id);
      expect(messages.error.join('\n')).toContain(
        'Failed to start an OpenAI span: Error: tracer failed',
      );
    } finally {
      instrumentation.disable();
    }
  });

  it('ends the span when recording the response fails', async () => {
    const instrumentation = instrumentOpenAI();
    const end = vi.fn();
    const span = {
      setAttributes: () => {
        throw new Error('attributes failed');
      },
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '1'.repeat(16) }),
      end,
    } as unknown as Span;
    instrumentation.setTracerProvider({
      getTracer: () => ({ startSpan: () => span }) as unknown as Tracer,
    });

    try {
      const completion = await client.chat.completions.create(
        requestBody(CHAT) as any,
      );
      expect(completion.object).toBe('chat.completion');
      expect(end).toHaveBeenCalledTimes(1);
      expect(messages.error.join('\n')).toContain('attributes failed');
    } finally {
      instrumentation.disable();
    }
  });

  it('passes calls without params to the SDK', async () => {
    const instrumentation = instrumentOpenAI();
    try {
      const error = await Promise.resolve()
        .then(() => client.chat.completions.create(undefined as any))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(tracing.spans()).toHaveLength(0);
    } finally {
      instrumentation.disable();
    }
  });

  it('rethrows a synchronous SDK error', async () => {
    const failure = new TypeError('invalid params');
    const module = fakeOpenAIModule(() => {
      throw failure;
    });
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.manuallyInstrument(module);

    try {
      const completions = new module.OpenAI.Chat.Completions();
      expect(() => completions.create({ model: 'gpt-4o-mini' })).toThrow(
        failure,
      );
      const span = await onlySpan(tracing);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes[ATTR_ERROR_TYPE]).toBe('TypeError');
    } finally {
      instrumentation.disable();
    }
  });

  it('ends the span of a result that is no APIPromise', async () => {
    const result = { not: 'an APIPromise' };
    const module = fakeOpenAIModule(() => result);
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.manuallyInstrument(module);

    try {
      const completions = new module.OpenAI.Chat.Completions();
      expect(completions.create({ model: 'gpt-4o-mini' })).toBe(result);
      const span = await onlySpan(tracing);
      expect(span.name).toBe('chat gpt-4o-mini');
      expect(messages.warn.join('\n')).toContain('other than an APIPromise');
    } finally {
      instrumentation.disable();
    }
  });
});
