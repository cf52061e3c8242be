import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { GoogleGenAIInstrumentation } from '../../../src/instrumentation/google-genai/instrumentation.js';
import { setupTracing } from '../../support/tracing.js';
import {
  createClient,
  expectedCounts,
  googleRecordings,
  GoogleGenAIModule,
  lastUsageMetadata,
  recordedParams,
  recordedResponses,
  sendRecorded,
  startReplay,
  tokenCounts,
} from './support.js';

const tracing = setupTracing();
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.manuallyInstrument(GoogleGenAIModule);

afterEach(() => tracing.reset());
afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

const WITH_USAGE = googleRecordings().filter(
  (recording) =>
    recording.exchanges[0]!.response.status === 200 &&
    !recordedResponses(recording).some((response) => response.error),
);

describe('GoogleGenAIInstrumentation with recorded responses', () => {
  it('covers plain, streamed and Vertex AI calls', () => {
    const params = WITH_USAGE.map(recordedParams);
    expect(params.some((each) => each.streamed)).toBe(true);
    expect(params.some((each) => each.vertex)).toBe(true);
    expect(WITH_USAGE.length).toBeGreaterThanOrEqual(5);
  });

  it.each(WITH_USAGE.map((recording) => [recording.name!, recording]))(
    'records the usage of %s',
    async (_name, recording) => {
      const params = recordedParams(recording);
      const server = await startReplay([recording]);
      try {
        await sendRecorded(
          createClient(server.origin, { vertex: params.vertex }),
          recording,
        );
      } finally {
        await server.close();
      }

      const [span, ...others] = tracing.spans();
      expect(others).toEqual([]);
      expect(tokenCounts(span!)).toEqual(
        expectedCounts(lastUsageMetadata(recording)),
      );
      expect(span!.attributes['tokenmeter.usage.estimated']).toBeUndefined();
    },
  );

  it.each(WITH_USAGE.map((recording) => [recording.name!, recording]))(
    'records the request and response of %s',
    async (_name, recording) => {
      const params = recordedParams(recording);
      const server = await startReplay([recording]);
      try {
        await sendRecorded(
          createClient(server.origin, { vertex: params.vertex }),
          recording,
        );
      } finally {
        await server.close();
      }

      const [span] = tracing.spans();
      const last = recordedResponses(recording).at(-1);
      expect(span!.name).toBe(`generate_content ${params.model}`);
      expect(span!.kind).toBe(SpanKind.CLIENT);
      expect(span!.attributes).toMatchObject({
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.provider.name': params.vertex ? 'gcp.vertex_ai' : 'gcp.gemini',
        'gen_ai.request.model': params.model,
        'gen_ai.request.stream': params.streamed,
        'gen_ai.response.model': last.modelVersion,
        'gen_ai.response.id': last.responseId,
        'gen_ai.response.finish_reasons': [last.candidates[0].finishReason],
        'server.address': '127.0.0.1',
      });
    },
  );
});

describe('GoogleGenAIInstrumentation usage conversion', () => {
  const byName = (name: string) =>
    WITH_USAGE.find((recording) => recording.name === name)!;

  async function spanOf(name: string) {
    const recording = byName(name);
    const server = await startReplay([recording]);
    try {
      await sendRecorded(createClient(server.origin), recording);
    } finally {
      await server.close();
    }
    return tracing.spans()[0]!;
  }

  it('adds thinking tokens to the output', async () => {
    const span = await spanOf('google--generate-content-thinking');
    expect(tokenCounts(span)).toEqual({
      input: 324,
      output: 1364 + 495,
      cacheRead: undefined,
      reasoning: 495,
    });
  });

  it('takes the last cumulative usage of a stream', async () => {
    const span = await spanOf('google--generate-content-stream');
    // The chunks report 6, 19 and 41 candidate tokens: the last, not a sum.
    expect(tokenCounts(span)).toMatchObject({ input: 11, output: 41 + 87 });
  });

  it('adds tool-use prompt tokens to the input', async () => {
    const span = await spanOf('google--generate-content-cached-tools');
    expect(tokenCounts(span)).toMatchObject({
      input: 12421 + 310,
      cacheRead: 12288,
      output: 256,
    });
  });

  it('records audio input tokens apart', async () => {
    const span = await spanOf('google--generate-content-audio');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1046);
    expect(span.attributes['tokenmeter.usage.audio.input_tokens']).toBe(1032);
  });
});
