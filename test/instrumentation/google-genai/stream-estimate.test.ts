import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GoogleGenAIInstrumentation } from '../../../src/instrumentation/google-genai/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
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

// Gemini's tokenizer is not public, so text that no usage counts is
// counted with o200k_base in its place, and added to the last usage seen.

const tracing = setupTracing();
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.manuallyInstrument(GoogleGenAIModule);

const REQUEST = { model: 'gemini-2.5-flash', contents: 'Explain spans.' };
const FIRST = 'A span processor is a hook';
const SECOND = ' that the tracer calls when spans start and end,';

interface Chunk {
  parts: { text: string; thought?: boolean }[];
  usage?: Record<string, number>;
  finishReason?: string;
}

/** Builds a Gemini stream of `chunks`, as `streamGenerateContent` sends it. */
function streamRecording(name: string, chunks: Chunk[]): Recording {
  const events = chunks.map((chunk) => {
    const body = {
      candidates: [
        {
          content: { parts: chunk.parts, role: 'model' },
          index: 0,
          ...(chunk.finishReason ? { finishReason: chunk.finishReason } : {}),
        },
      ],
      ...(chunk.usage ? { usageMetadata: chunk.usage } : {}),
      modelVersion: 'gemini-2.5-flash',
      responseId: name,
    };
    return `data: ${JSON.stringify(body)}\n\n`;
  });
  return {
    name,
    provider: 'google',
    exchanges: [
      {
        request: {
          method: 'POST',
          url:
            'https://generativelanguage.googleapis.com/v1beta/models/' +
            'gemini-2.5-flash:streamGenerateContent?alt=sse',
          body: { contents: [{ parts: [{ text: REQUEST.contents }] }] },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: events.join(''),
        },
      },
    ],
  };
}

const FINAL: Chunk = {
  parts: [{ text: ' so it can export them.' }],
  usage: { promptTokenCount: 11, candidatesTokenCount: 30 },
  finishReason: 'STOP',
};

/**
 * Usage in every chunk but the last without `candidatesTokenCount`, as the
 * Gemini API sends it.
 */
const PROMPT_ONLY_USAGE = streamRecording('prompt-only-usage', [
  {
    parts: [{ text: FIRST }],
    usage: { promptTokenCount: 11, thoughtsTokenCount: 40 },
  },
  {
    parts: [{ text: SECOND }],
    usage: { promptTokenCount: 11, thoughtsTokenCount: 40 },
  },
  FINAL,
]);

/** A counted chunk, then chunks without usage: thought text, then text. */
const USAGE_THEN_NONE = streamRecording('usage-then-none', [
  {
    parts: [{ text: FIRST }],
    usage: { promptTokenCount: 11, candidatesTokenCount: 6 },
  },
  { parts: [{ text: 'Thinking about spans.', thought: true }] },
  { parts: [{ text: SECOND }] },
  FINAL,
]);

const NO_USAGE = streamRecording('no-usage', [
  { parts: [{ text: FIRST }] },
  { parts: [{ text: SECOND }] },
  FINAL,
]);

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  // A pause between chunks lets a test stop mid-stream.
  servers.promptOnly = await startReplay([PROMPT_ONLY_USAGE], 20);
  servers.usageThenNone = await startReplay([USAGE_THEN_NONE], 20);
  servers.noUsage = await startReplay([NO_USAGE], 20);
  servers.cumulative = await startReplay(
    [recording('google--generate-content-stream')],
    20,
  );
});
afterEach(() => tracing.reset());
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  instrumentation.disable();
  await tracing.shutdown();
});

/** Reads `count` chunks of a stream, then stops, and returns the span. */
async function stopAfter(
  server: ReplayServer,
  count: number,
): Promise<ReadableSpan> {
  const stream = await createClient(server.origin).models.generateContentStream(
    REQUEST,
  );
  let read = 0;
  for await (const _chunk of stream) {
    if (++read === count) {
      break;
    }
  }
  const [span] = await waitForSpans(() => tracing.spans(), 1);
  return span!;
}

describe('GoogleGenAIInstrumentation, streams stopped early', () => {
  it('counts text that no usage counts', async () => {
    const span = await stopAfter(servers.promptOnly!, 2);

    // The last usage seen has 11 prompt and 40 thought tokens but no
    // candidates count, so both texts read are counted: "A span processor
    // is a hook" (6) and " that the tracer calls when spans start and
    // end," (10), joined: 16. Output: 40 + 16.
    expect(tokenCounts(span)).toEqual({
      input: 11,
      output: 56,
      reasoning: 40,
    });
    expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported+approximate_tokenizer:o200k_base',
    );
  });

  it('counts the text after the last candidates count', async () => {
    const span = await stopAfter(servers.usageThenNone!, 3);

    // The first chunk counts its 6 candidate tokens. The thought "Thinking
    // about spans." and " that the tracer calls when spans start and end,"
    // follow without usage, joined 14 tokens. Output: 6 + 14.
    expect(tokenCounts(span)).toEqual({ input: 11, output: 20 });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported+approximate_tokenizer:o200k_base',
    );
  });

  it('counts the output of a stream without usage', async () => {
    const span = await stopAfter(servers.noUsage!, 2);

    // No usage at all: the two texts (16) are the output, and the input
    // stays unknown.
    expect(tokenCounts(span)).toEqual({ output: 16 });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      'approximate_tokenizer:o200k_base',
    );
  });

  it('keeps cumulative counts as the last reported', async () => {
    const span = await stopAfter(servers.cumulative!, 2);

    // Each chunk of this recording counts its candidates so far: 19 after
    // the second, with 87 thought tokens. Nothing is left to count.
    expect(tokenCounts(span)).toEqual({
      input: 11,
      output: 19 + 87,
      reasoning: 87,
    });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      'last_reported',
    );
  });

  it('leaves a stream read to its end unestimated', async () => {
    const span = await stopAfter(servers.promptOnly!, Infinity);

    expect(tokenCounts(span)).toEqual({ input: 11, output: 30 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBeUndefined();
  });
});
