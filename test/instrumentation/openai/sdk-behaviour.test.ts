import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
} from '../../../src/semconv.js';
import { recording } from '../../support/recordings.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  createClient,
  endedSpans,
  instrumentOpenAI,
  OpenAI,
  openaiModule,
  onlySpan,
  readAll,
  recordingOf,
  requestBody,
  startReplay,
  streamRequest,
} from './support.js';

const CHAT = recording('openai--chat');
const STREAM = recording(
  'openai--contrib-streaming-chat-completions-does-not-misbehave-with-double-iteration',
);
const STREAM_WITH_USAGE = recording(
  'openai--contrib-streaming-chat-completions-records-usage',
);

/** Builds an exchange that fails with `status` and an OpenAI error body. */
function failing(status: number, code: string, model: string): Recording {
  return recordingOf(`error-${status}`, {
    request: {
      method: 'POST',
      url: 'https://api.openai.com/v1/chat/completions',
      body: { model, messages: [{ role: 'user', content: 'Hi' }] },
    },
    response: {
      status,
      headers: {
        'content-type': 'application/json',
        'x-request-id': `req_${status}`,
      },
      body: { error: { message: `Failed with ${code}`, type: code, code } },
    },
  });
}

/** A stream whose second event is an error payload. */
const BROKEN_STREAM = recordingOf('broken-stream', {
  request: {
    method: 'POST',
    url: 'https://api.openai.com/v1/chat/completions',
    body: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    },
  },
  response: {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body:
      'data: {"id":"c2","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"}}]}\n\n' +
      'data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n',
  },
});

const BAD_REQUEST = failing(400, 'model_not_found', 'no-such-model');
const RATE_LIMITED = failing(429, 'rate_limit_exceeded', 'gpt-4o-mini');

/** Describes an error by the fields an app reads. */
function describeError(error: any) {
  return {
    class: error?.constructor?.name,
    status: error?.status,
    message: error?.message,
  };
}

describe('OpenAIInstrumentation keeps SDK behaviour', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  /**
   * Runs a scenario without and then with the instrumentation, and returns
   * both outcomes. The uninstrumented run must create no span.
   */
  async function bothWays<T>(
    scenario: () => Promise<T>,
  ): Promise<{ plain: T; traced: T }> {
    instrumentation.disable();
    const plain = await scenario();
    expect(tracing.spans()).toHaveLength(0);
    instrumentation.enable();
    const traced = await scenario();
    return { plain, traced };
  }

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay(
      [CHAT, STREAM, STREAM_WITH_USAGE, BAD_REQUEST, RATE_LIMITED],
      { match: 'strict' },
    );
    server.received.length = 0;
    client = createClient(server);
  });
  afterEach(() => {
    tracing.reset();
    instrumentation.enable();
  });
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  it('returns what withResponse returns', async () => {
    const { plain, traced } = await bothWays(async () => {
      const { data, response, request_id } = await client.chat.completions
        .create(requestBody(CHAT) as any)
        .withResponse();
      return { data, status: response.status, request_id };
    });

    expect(traced).toEqual(plain);
    expect(traced.request_id).toBe('req_39d442d322c44338bcc32d87ce959a1e');
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(15);
  });

  it('returns a stream from withResponse', async () => {
    const { plain, traced } = await bothWays(async () => {
      const { data, request_id } = await client.chat.completions
        .create(streamRequest(STREAM_WITH_USAGE))
        .withResponse();
      return { chunks: await readAll(data), request_id };
    });

    expect(traced).toEqual(plain);
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });

  it('leaves the body to the app after asResponse', async () => {
    const { plain, traced } = await bothWays(async () => {
      const response = await client.chat.completions
        .create(requestBody(CHAT) as any)
        .asResponse();
      return { status: response.status, body: await response.json() };
    });

    expect(traced).toEqual(plain);
    expect(traced.body).toEqual(CHAT.exchanges[0]!.response.body);
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
  });

  it('leaves a streamed body to the app after asResponse', async () => {
    const { plain, traced } = await bothWays(async () => {
      const response = await client.chat.completions
        .create(streamRequest(STREAM))
        .asResponse();
      return response.text();
    });

    expect(traced).toEqual(plain);
    expect(traced).toBe(STREAM.exchanges[0]!.response.body);
    await onlySpan(tracing);
  });

  it('reads both branches of tee', async () => {
    const { plain, traced } = await bothWays(async () => {
      const stream = await client.chat.completions.create(
        streamRequest(STREAM_WITH_USAGE),
      );
      const [left, right] = stream.tee();
      return Promise.all([readAll(left), readAll(right)]);
    });

    expect(traced).toEqual(plain);
    expect(traced[0]).toEqual(traced[1]);
    expect(traced[0]).toHaveLength(7);
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });

  it('converts a stream with toReadableStream', async () => {
    const { plain, traced } = await bothWays(async () => {
      const stream = await client.chat.completions.create(
        streamRequest(STREAM_WITH_USAGE),
      );
      const text = await new Response(stream.toReadableStream()).text();
      return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
    });

    expect(traced).toEqual(plain);
    expect(traced).toHaveLength(7);
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });

  it('stops reading when the app breaks out', async () => {
    const { plain, traced } = await bothWays(async () => {
      const stream = await client.chat.completions.create(
        streamRequest(STREAM),
      );
      const chunks: unknown[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        if (chunks.length === 2) {
          break;
        }
      }
      return { chunks, aborted: stream.controller.signal.aborted };
    });

    expect(traced).toEqual(plain);
    expect(traced.aborted).toBe(true);
    const span = await onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
  });

  it('fails a second iteration as the SDK does', async () => {
    const { plain, traced } = await bothWays(async () => {
      const stream = await client.chat.completions.create(
        streamRequest(STREAM),
      );
      const chunks = await readAll(stream);
      const error = await readAll(stream).catch((caught: unknown) => caught);
      return { chunks: chunks.length, error: describeError(error) };
    });

    expect(traced).toEqual(plain);
    expect(traced.error.class).toBe('OpenAIError');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [span] = await endedSpans(tracing, 1);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it.each([
    { failure: BAD_REQUEST, errorClass: 'BadRequestError', status: 400 },
    { failure: RATE_LIMITED, errorClass: 'RateLimitError', status: 429 },
  ])(
    'rethrows API errors ($errorClass)',
    async ({ failure, errorClass, status }) => {
      const { plain, traced } = await bothWays(() =>
        client.chat.completions
          .create(requestBody(failure) as any)
          .catch((error: unknown) => error),
      );

      expect(describeError(traced)).toEqual(describeError(plain));
      expect(traced).toBeInstanceOf(OpenAI.APIError);
      expect((traced as any).constructor.name).toBe(errorClass);
      expect((traced as any).status).toBe(status);
      const span = await onlySpan(tracing);
      expect(span.attributes[ATTR_ERROR_TYPE]).toBe(String(status));
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toBe((traced as Error).message);
    },
  );

  it('rethrows the same error object', async () => {
    const promise = client.chat.completions.create(
      requestBody(RATE_LIMITED) as any,
    );
    const error = await promise.catch((caught: unknown) => caught);

    const span = await onlySpan(tracing);
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe(
      (error as Error).message,
    );
    expect(await promise.catch((caught: unknown) => caught)).toBe(error);
  });
});

describe('OpenAIInstrumentation with slow streams', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay([STREAM, BROKEN_STREAM], {
      match: 'strict',
      eventDelayMs: 20,
    });
    client = createClient(server);
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  async function readUntilAbort(): Promise<unknown> {
    const stream = await client.chat.completions.create(streamRequest(STREAM));
    const chunks: unknown[] = [];
    try {
      for await (const chunk of stream) {
        chunks.push(chunk);
        if (chunks.length === 2) {
          stream.controller.abort();
        }
      }
      return { chunks: chunks.length };
    } catch (error) {
      return { chunks: chunks.length, error: describeError(error) };
    }
  }

  it('ends the span when the app aborts a stream', async () => {
    instrumentation.disable();
    const plain = await readUntilAbort();
    instrumentation.enable();
    const traced = await readUntilAbort();

    expect(traced).toEqual(plain);
    const span = await onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    // The prompt is 22 tokens, and the app read the role chunk and "South".
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(1);
  });

  it('marks a stream that fails midway', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(BROKEN_STREAM),
    );
    const error = await readAll(stream).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.APIError);
    const span = await onlySpan(tracing);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('APIError');
    // The provider still billed the prompt and "Hello" (1 token).
    expect(span.attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(1);
  });
});

describe('OpenAIInstrumentation return values', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;

  beforeAll(async () => {
    tracing = setupTracing();
    server = await startReplay([CHAT, STREAM], { match: 'strict' });
    client = createClient(server);
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('returns the APIPromise of the original method', async () => {
    const prototype = OpenAI.Chat.Completions.prototype as any;
    const original = prototype.create;
    const returned: unknown[] = [];
    prototype.create = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      returned.push(result);
      return result;
    };
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.manuallyInstrument(openaiModule);
    instrumentation.enable();

    try {
      const promise = client.chat.completions.create(requestBody(CHAT) as any);
      expect(promise).toBe(returned[0]);
      expect(promise).toBeInstanceOf(openaiModule.APIPromise);
      await promise;
      await onlySpan(tracing);
    } finally {
      instrumentation.disable();
      prototype.create = original;
    }
  });

  it('returns the Stream object the SDK parses', async () => {
    const instrumentation = instrumentOpenAI();
    try {
      const stream = await client.chat.completions.create(
        streamRequest(STREAM),
      );
      expect(stream.constructor.name).toBe('Stream');
      expect(typeof stream.tee).toBe('function');
      await readAll(stream);
    } finally {
      instrumentation.disable();
    }
  });
});

describe('OpenAIInstrumentation with SDK helpers', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay([
      CHAT,
      STREAM_WITH_USAGE,
      BAD_REQUEST,
      recording('openai--contrib-streaming-responses-records-usage'),
    ]);
    client = createClient(server);
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  it('traces chat.completions.parse once', async () => {
    const completion = await client.chat.completions.parse(
      requestBody(CHAT) as any,
    );

    expect(completion.choices[0]!.message.parsed).toBeNull();
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(15);
  });

  it('rethrows errors of chat.completions.parse', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);

    try {
      const error = await client.chat.completions
        .parse(requestBody(BAD_REQUEST) as any)
        .catch((caught: unknown) => caught);
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(unhandled).toEqual([]);
      const span = await onlySpan(tracing);
      expect(span.attributes[ATTR_ERROR_TYPE]).toBe('400');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('traces chat.completions.stream once', async () => {
    const runner = client.chat.completions.stream(
      requestBody(STREAM_WITH_USAGE) as any,
    );
    const completion = await runner.finalChatCompletion();

    expect(completion.choices[0]!.message.content).toBe(
      'South Atlantic Ocean.',
    );
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });

  it('traces responses.stream once', async () => {
    const runner = client.responses.stream({
      model: 'gpt-4o-mini',
      input: 'Answer in up to 3 words: Which ocean contains Bouvet Island?',
    });
    const response = await runner.finalResponse();

    expect(response.id).toBe('resp_stream_usage');
    const span = await onlySpan(tracing);
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });
});
