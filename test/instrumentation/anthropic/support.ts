import * as AnthropicModule from '@anthropic-ai/sdk';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

import { ANTHROPIC_INSTRUMENTATION_NAME } from '../../../src/instrumentation/anthropic/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '../../../src/semconv.js';
import { allRecordings } from '../../support/recordings.js';

export const Anthropic = AnthropicModule.Anthropic;
export { AnthropicModule };

/** The instrumentation scope of the spans @anthropic-ai/sdk starts itself. */
export const SDK_SCOPE = 'com.anthropic.sdk.typescript';

/**
 * True when the installed @anthropic-ai/sdk traces itself by default
 * (0.134 and later): its clients then have a tracer.
 */
export const SDK_TRACES_ITSELF =
  (new Anthropic({ apiKey: 'test', baseURL: 'http://127.0.0.1:9' }) as any)
    ._tracer !== undefined;

/** Which span records a call: tokenmeter's, or the SDK's own. */
export interface SpanMode {
  name: string;
  /** The client's `openTelemetry` option. */
  openTelemetry: false | undefined;
  scope: string;
}

export const OUR_SPAN: SpanMode = {
  name: 'native tracing off',
  openTelemetry: false,
  scope: ANTHROPIC_INSTRUMENTATION_NAME,
};

export const SDK_SPAN: SpanMode = {
  name: 'native tracing on',
  openTelemetry: undefined,
  scope: SDK_SCOPE,
};

/** The modes the installed SDK supports. */
export const SPAN_MODES: SpanMode[] = SDK_TRACES_ITSELF
  ? [OUR_SPAN, SDK_SPAN]
  : [OUR_SPAN];

/** Creates a client of the installed SDK that sends to a replay server. */
export function createClient(
  origin: string,
  mode: SpanMode = OUR_SPAN,
  options: Record<string, unknown> = {},
): InstanceType<typeof Anthropic> {
  return new Anthropic({
    baseURL: origin,
    apiKey: 'test',
    maxRetries: 0,
    // Unknown to versions without tracing, which ignore it.
    ...(mode.openTelemetry === false ? { openTelemetry: false } : {}),
    ...options,
  } as any);
}

/** Starts a replay server for the recordings; close it after the test. */
export async function startReplay(
  recordings: Recording[],
  eventDelayMs?: number,
): Promise<ReplayServer> {
  const server = new ReplayServer({ recordings, eventDelayMs });
  await server.start();
  return server;
}

/** Selects the ended spans that describe a GenAI operation. */
export function genAiSpans(spans: ReadableSpan[]): ReadableSpan[] {
  return spans.filter(
    (span) => span.attributes[ATTR_GEN_AI_OPERATION_NAME] !== undefined,
  );
}

/** Token counts in the GenAI conventions, as a span or a test expects. */
export interface TokenCounts {
  input?: unknown;
  output?: unknown;
  cacheRead?: unknown;
  cacheWrite?: unknown;
  reasoning?: unknown;
}

/**
 * Reads a span's token counts. The cache write count is read under either
 * spelling: tokenmeter writes `cache_creation`, the SDK `cache_write`.
 */
export function tokenCounts(span: ReadableSpan): TokenCounts {
  const attributes = span.attributes;
  return {
    input: attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    output: attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
    cacheRead: attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    cacheWrite:
      attributes[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] ??
      attributes[ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS],
    reasoning: attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
  };
}

/**
 * Converts Anthropic usage to the counts a span must carry: input includes
 * cache reads and writes.
 */
export function expectedCounts(usage: Record<string, any>): TokenCounts {
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  return {
    input: usage.input_tokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
    output: usage.output_tokens,
    cacheRead,
    cacheWrite,
    reasoning: usage.output_tokens_details?.thinking_tokens ?? undefined,
  };
}

/** Loads every recording of Anthropic exchanges from the fixtures. */
export function anthropicRecordings(): Recording[] {
  return allRecordings().filter((each) => each.provider === 'anthropic');
}

/**
 * Reads the final usage of a recorded response: the Message's usage, or for
 * a stream the `message_start` usage with the later `message_delta` counts.
 */
export function recordedUsage(body: unknown): Record<string, any> {
  if (typeof body !== 'string') {
    return (body as { usage: Record<string, any> }).usage;
  }

  let usage: Record<string, any> = {};
  for (const event of parseEvents(body)) {
    if (event.type === 'message_start') {
      usage = { ...event.message.usage };
    }
    if (event.type === 'message_delta') {
      for (const [key, value] of Object.entries(event.usage ?? {})) {
        if (value !== null) {
          usage[key] = value;
        }
      }
    }
  }
  return usage;
}

/** Parses the `data:` lines of a server-sent event stream. */
export function parseEvents(body: string): any[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)));
}

/** Writes events as a server-sent event stream, as the API sends them. */
export function eventStream(events: Record<string, unknown>[]): string {
  return events
    .map(
      (event) =>
        `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`,
    )
    .join('');
}

const MESSAGES_URL = 'https://api.anthropic.com/v1/messages';

/** Builds a recording with one `POST /v1/messages` exchange. */
export function messagesRecording(
  name: string,
  request: Record<string, unknown>,
  response: { status?: number; body: unknown },
): Recording {
  const streamed = typeof response.body === 'string';
  return {
    name,
    provider: 'anthropic',
    source: 'built by the tokenmeter tests on the API response format',
    exchanges: [
      {
        request: { method: 'POST', url: MESSAGES_URL, body: request },
        response: {
          status: response.status ?? 200,
          headers: {
            'content-type': streamed
              ? 'text/event-stream; charset=utf-8'
              : 'application/json',
            'request-id': `req_${name}`,
          },
          body: response.body,
        },
      },
    ],
  };
}

/** The request of the built recordings. */
export const CACHE_REQUEST = {
  model: 'claude-3-7-sonnet-20250219',
  max_tokens: 1024,
  system: [
    {
      type: 'text',
      text: 'A long system prompt.',
      cache_control: { type: 'ephemeral' },
    },
  ],
  messages: [{ role: 'user', content: 'Summarize the document.' }],
};

/**
 * A Message whose prompt was written to the cache: Anthropic's
 * `input_tokens` (3) excludes the 12,304 cache write tokens.
 */
export const CACHE_WRITE_MESSAGE = {
  id: 'msg_01CacheWrite7Sonnet',
  type: 'message',
  role: 'assistant',
  model: 'claude-3-7-sonnet-20250219',
  content: [{ type: 'text', text: 'The document describes a cache.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 3,
    cache_creation_input_tokens: 12304,
    cache_read_input_tokens: 0,
    output_tokens: 550,
    service_tier: 'standard',
  },
};

/** Builds the events of a streamed Message with the given usage. */
export function streamedMessageEvents(options: {
  startUsage: Record<string, unknown>;
  deltaUsage?: Record<string, unknown>;
  texts?: string[];
  stopReason?: string;
}): Record<string, unknown>[] {
  const texts = options.texts ?? ['The document ', 'describes ', 'a cache.'];
  const start = {
    type: 'message_start',
    message: {
      id: 'msg_01StreamedCache',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-7-sonnet-20250219',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: options.startUsage,
    },
  };
  const blocks = [
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    },
    { type: 'ping' },
    ...texts.map((text) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    })),
    { type: 'content_block_stop', index: 0 },
  ];
  const end = options.deltaUsage
    ? [
        {
          type: 'message_delta',
          delta: {
            stop_reason: options.stopReason ?? 'end_turn',
            stop_sequence: null,
          },
          usage: options.deltaUsage,
        },
        { type: 'message_stop' },
      ]
    : [];
  return [start, ...blocks, ...end];
}

/** The `message_start` usage of a streamed Message with a cache write. */
export const CACHE_WRITE_START_USAGE = {
  input_tokens: 3,
  cache_creation_input_tokens: 12304,
  cache_read_input_tokens: 0,
  output_tokens: 1,
  service_tier: 'standard',
};

/** Builds the body of an API error response, as the API sends it. */
export function errorBody(type: string, message: string) {
  return {
    type: 'error',
    error: { type, message },
    request_id: 'req_011Error',
  };
}

/** Waits until `count` spans have ended, for spans that end asynchronously. */
export async function waitForSpans(
  spans: () => ReadableSpan[],
  count: number,
): Promise<ReadableSpan[]> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (spans().length >= count) {
      return spans();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${count} ended spans.`);
}
