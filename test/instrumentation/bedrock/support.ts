import * as BedrockModule from '@aws-sdk/client-bedrock-runtime';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

import type { Recording } from '../../../src/replay/recording.js';
import { ReplayServer } from '../../../src/replay/server.js';
import { chunkBody, decodeBase64Chunks } from '../../support/event-stream.js';
import { allRecordings } from '../../support/recordings.js';

export { BedrockModule };
export const {
  BedrockRuntime,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} = BedrockModule;

// The SDK must never look for credentials or a region on the network, so
// the instance metadata service is turned off for this process too.
process.env.AWS_EC2_METADATA_DISABLED = 'true';

/**
 * Creates a client that sends to a replay server, with a fixed region,
 * static dummy credentials and no retries, so that no credential provider
 * chain runs.
 */
export function createClient(
  origin: string,
): InstanceType<typeof BedrockRuntimeClient> {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: origin,
    credentials: {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    maxAttempts: 1,
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

/** Loads every recording of Bedrock exchanges from the fixtures. */
export function bedrockRecordings(): Recording[] {
  return allRecordings().filter((each) => each.provider === 'bedrock');
}

/** Reads the operation, model id and input of a recording's first request. */
export function recordedCommand(recording: Recording): {
  operation: string;
  modelId: string;
  body: Record<string, any>;
} {
  const { url, body } = recording.exchanges[0]!.request;
  const [, encoded, action] = /^\/model\/([^/]+)\/(.+)$/.exec(
    new URL(url).pathname,
  )!;
  const operations: Record<string, string> = {
    converse: 'Converse',
    'converse-stream': 'ConverseStream',
    invoke: 'InvokeModel',
    'invoke-with-response-stream': 'InvokeModelWithResponseStream',
  };
  return {
    operation: operations[action!]!,
    modelId: decodeURIComponent(encoded!),
    body: body as Record<string, any>,
  };
}

/** Builds the SDK command that sends a recording's request. */
export function commandFor(recording: Recording) {
  const { operation, modelId, body } = recordedCommand(recording);
  switch (operation) {
    case 'Converse':
      return new ConverseCommand({ modelId, ...body });
    case 'ConverseStream':
      return new ConverseStreamCommand({ modelId, ...body });
    case 'InvokeModel':
      return new InvokeModelCommand({ modelId, body: JSON.stringify(body) });
    default:
      return new InvokeModelWithResponseStreamCommand({
        modelId,
        body: JSON.stringify(body),
      });
  }
}

/** Sends a recording's request through a real client, reading any stream. */
export async function sendRecorded(
  client: InstanceType<typeof BedrockRuntimeClient>,
  recording: Recording,
): Promise<unknown[]> {
  const output: any = await client.send(commandFor(recording) as any);
  const stream = output.stream ?? output.body;
  if (!stream || stream instanceof Uint8Array) {
    return [output];
  }
  const events: unknown[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

/** Decodes the JSON body, or the messages, of a recording's response. */
export function recordedMessages(recording: Recording): any[] {
  const response = recording.exchanges[0]!.response;
  if (!response.bodyBase64) {
    return [response.body];
  }
  return decodeBase64Chunks(response.bodyBase64).map((message) =>
    'event' in message && message.event === 'chunk'
      ? chunkBody(message)
      : message,
  );
}

/** Token counts in the GenAI conventions, as a span or a test expects. */
export interface TokenCounts {
  input?: unknown;
  output?: unknown;
  cacheRead?: unknown;
  cacheWrite?: unknown;
}

/** Reads a span's token counts. */
export function tokenCounts(span: ReadableSpan): TokenCounts {
  const attributes = span.attributes;
  return {
    input: attributes['gen_ai.usage.input_tokens'],
    output: attributes['gen_ai.usage.output_tokens'],
    cacheRead: attributes['gen_ai.usage.cache_read.input_tokens'],
    cacheWrite: attributes['gen_ai.usage.cache_creation.input_tokens'],
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
