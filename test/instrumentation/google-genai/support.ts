import * as GoogleGenAIModule from '@google/genai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

import type { Recording } from '../../../src/replay/recording.js';
import { ReplayServer } from '../../../src/replay/server.js';
import { allRecordings } from '../../support/recordings.js';

export { GoogleGenAIModule };
export const { GoogleGenAI } = GoogleGenAIModule;

/**
 * Creates a client of the installed SDK that sends to a replay server with a
 * dummy API key and no retries. The Gemini API version is pinned to
 * `v1beta`, the default of @google/genai 2.x, because 3.x defaults to `v1`
 * and the recordings name one path. `vertex` makes a Vertex AI client in
 * express mode (an API key), so that no Google credentials are looked up.
 */
export function createClient(
  origin: string,
  options: { vertex?: boolean } = {},
): InstanceType<typeof GoogleGenAI> {
  return new GoogleGenAI({
    apiKey: 'replay-test-key',
    ...(options.vertex
      ? { vertexai: true, apiVersion: 'v1' }
      : { apiVersion: 'v1beta' }),
    httpOptions: { baseUrl: origin, retryOptions: { attempts: 1 } },
  });
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

/** Loads every recording of Google exchanges from the fixtures. */
export function googleRecordings(): Recording[] {
  return allRecordings().filter((each) => each.provider === 'google');
}

/** Reads the request of a recording's first exchange as SDK parameters. */
export function recordedParams(recording: Recording): {
  model: string;
  streamed: boolean;
  vertex: boolean;
  contents: unknown;
  config: Record<string, unknown>;
} {
  const { url, body } = recording.exchanges[0]!.request;
  const pathname = new URL(url).pathname;
  const [, model, method] = /models\/([^:]+):(\w+)$/.exec(pathname)!;
  const { contents, ...rest } = body as Record<string, unknown>;
  return {
    model: model!,
    streamed: method === 'streamGenerateContent',
    vertex: pathname.includes('/publishers/'),
    contents,
    config: rest,
  };
}

/** Sends a recording's request through the SDK and reads it to the end. */
export async function sendRecorded(
  client: InstanceType<typeof GoogleGenAI>,
  recording: Recording,
): Promise<unknown[]> {
  const params = recordedParams(recording);
  const request = {
    model: params.model,
    contents: params.contents as never,
    config: params.config,
  };
  if (!params.streamed) {
    return [await client.models.generateContent(request)];
  }
  const chunks: unknown[] = [];
  for await (const chunk of await client.models.generateContentStream(
    request,
  )) {
    chunks.push(chunk);
  }
  return chunks;
}

/** Parses the JSON responses of a recording: the body, or each SSE chunk. */
export function recordedResponses(recording: Recording): any[] {
  const body = recording.exchanges[0]!.response.body;
  if (typeof body !== 'string') {
    return [body];
  }
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)));
}

/** Finds the `usageMetadata` of the last response or chunk that has one. */
export function lastUsageMetadata(recording: Recording): Record<string, any> {
  return recordedResponses(recording)
    .map((response) => response.usageMetadata)
    .filter(Boolean)
    .at(-1);
}

/** Token counts in the GenAI conventions, as a span or a test expects. */
export interface TokenCounts {
  input?: unknown;
  output?: unknown;
  cacheRead?: unknown;
  reasoning?: unknown;
}

/** Reads a span's token counts. */
export function tokenCounts(span: ReadableSpan): TokenCounts {
  const attributes = span.attributes;
  return {
    input: attributes['gen_ai.usage.input_tokens'],
    output: attributes['gen_ai.usage.output_tokens'],
    cacheRead: attributes['gen_ai.usage.cache_read.input_tokens'],
    reasoning: attributes['gen_ai.usage.reasoning.output_tokens'],
  };
}

/**
 * Converts a `usageMetadata` object to the counts a span must carry, as
 * the instrumentation is specified to: input adds the tool-use prompt,
 * output adds the thoughts.
 */
export function expectedCounts(usage: Record<string, any>): TokenCounts {
  return {
    input: usage.promptTokenCount + (usage.toolUsePromptTokenCount ?? 0),
    output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cacheRead: usage.cachedContentTokenCount,
    reasoning: usage.thoughtsTokenCount,
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
