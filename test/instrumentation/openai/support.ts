import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as openaiModule from 'openai';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { expect, vi } from 'vitest';

import { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import type { OpenAIInstrumentationConfig } from '../../../src/instrumentation/openai/types.js';
import type {
  RecordedExchange,
  Recording,
} from '../../../src/replay/recording.js';
import {
  ReplayServer,
  type ReplayServerOptions,
} from '../../../src/replay/server.js';
import type { TestTracing } from '../../support/tracing.js';

export { openaiModule, OpenAI };

/** Starts a replay server on 127.0.0.1, which the caller closes. */
export async function startReplay(
  recordings: Recording[],
  options: Omit<ReplayServerOptions, 'recordings'> = {},
): Promise<ReplayServer> {
  const server = new ReplayServer({ recordings, ...options });
  await server.start();
  return server;
}

/** Creates a real OpenAI client that sends to the replay server only. */
export function createClient(server: ReplayServer): OpenAI {
  return new OpenAI({
    baseURL: `${server.origin}/v1`,
    apiKey: 'test',
    maxRetries: 0,
  });
}

/**
 * Creates an instrumentation and patches the installed openai module with
 * it. Vitest loads node_modules without the require and import hooks, so
 * the tests patch the module by hand. The hooks are tested in child
 * processes.
 */
export function instrumentOpenAI(
  config: OpenAIInstrumentationConfig = {},
): OpenAIInstrumentation {
  const instrumentation = new OpenAIInstrumentation({
    ...config,
    enabled: false,
  });
  instrumentation.manuallyInstrument(openaiModule);
  instrumentation.enable();
  return instrumentation;
}

/** Waits until `count` spans have ended and returns them. */
export async function endedSpans(
  tracing: TestTracing,
  count: number,
): Promise<ReadableSpan[]> {
  await vi.waitFor(() => expect(tracing.spans()).toHaveLength(count), {
    timeout: 5_000,
  });
  return tracing.spans();
}

/** Waits for the only span of a test and returns it. */
export async function onlySpan(tracing: TestTracing): Promise<ReadableSpan> {
  const [span] = await endedSpans(tracing, 1);
  return span!;
}

/** Builds a recording of one exchange. */
export function recordingOf(
  name: string,
  exchange: RecordedExchange,
): Recording {
  return { name, provider: 'openai', exchanges: [exchange] };
}

/** Returns a copy of the request body of a recording's first exchange. */
export function requestBody(recording: Recording): Record<string, unknown> {
  return structuredClone(recording.exchanges[0]!.request.body) as Record<
    string,
    unknown
  >;
}

/** Returns the request body of a recorded chat stream, typed as such. */
export function streamRequest(
  recording: Recording,
): ChatCompletionCreateParamsStreaming {
  return requestBody(
    recording,
  ) as unknown as ChatCompletionCreateParamsStreaming;
}

/** Reads every item of an async iterable. */
export async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}
