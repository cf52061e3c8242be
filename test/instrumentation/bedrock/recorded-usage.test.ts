import { SpanKind } from '@opentelemetry/api';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { BedrockRuntimeInstrumentation } from '../../../src/instrumentation/bedrock/instrumentation.js';
import { CostSpanProcessor } from '../../../src/processor/cost-span-processor.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  bedrockRecordings,
  BedrockModule,
  createClient,
  recordedCommand,
  sendRecorded,
  startReplay,
  tokenCounts,
  type TokenCounts,
} from './support.js';

const tracing = setupTracing([new CostSpanProcessor()]);
const instrumentation = new BedrockRuntimeInstrumentation();
instrumentation.manuallyInstrument(BedrockModule);

afterEach(() => tracing.reset());
afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

/**
 * The counts each recording must produce, worked out by hand from its
 * response: Bedrock's and Anthropic's input counts exclude the cache reads
 * and writes, which the conventions' input count includes.
 */
const EXPECTED: Record<string, TokenCounts & { finishReasons: string[] }> = {
  'bedrock--converse-cache-write': {
    input: 24 + 2048,
    output: 312,
    cacheRead: 0,
    cacheWrite: 2048,
    finishReasons: ['end_turn'],
  },
  'bedrock--converse-cache-read': {
    input: 31 + 2048,
    output: 187,
    cacheRead: 2048,
    cacheWrite: 0,
    finishReasons: ['end_turn'],
  },
  'bedrock--converse-inference-profile-arn': {
    input: 412,
    output: 19,
    finishReasons: ['end_turn'],
  },
  'bedrock--converse-stream': {
    input: 11,
    output: 24,
    finishReasons: ['end_turn'],
  },
  'bedrock--converse-tool-use': {
    input: 412,
    output: 58,
    finishReasons: ['tool_use'],
  },
  'bedrock--converse-stream-tool-use': {
    input: 398,
    output: 41,
    finishReasons: ['tool_use'],
  },
  'bedrock--invoke-model-anthropic': {
    input: 18 + 1843,
    output: 142,
    cacheRead: 1843,
    cacheWrite: 0,
    finishReasons: ['end_turn'],
  },
  'bedrock--invoke-model-nova': {
    input: 8,
    output: 12,
    cacheRead: 0,
    cacheWrite: 0,
    finishReasons: ['end_turn'],
  },
  'bedrock--invoke-model-llama': {
    input: 18,
    output: 96,
    finishReasons: ['stop'],
  },
  'bedrock--invoke-model-titan': {
    input: 12,
    output: 21,
    finishReasons: ['FINISH'],
  },
  // The body has no counts: they come from the response headers.
  'bedrock--invoke-model-mistral': {
    input: 21,
    output: 64,
    finishReasons: ['stop'],
  },
  'bedrock--invoke-model-stream-anthropic': {
    input: 12,
    output: 7,
    finishReasons: ['end_turn'],
  },
  'bedrock--invoke-model-stream-llama': {
    input: 19,
    output: 6,
    finishReasons: ['stop'],
  },
};

/** Sends a recording through a real client and returns its span. */
async function spanOf(name: string) {
  const recorded = recording(name);
  const server = await startReplay([recorded]);
  try {
    await sendRecorded(createClient(server.origin), recorded);
  } finally {
    await server.close();
  }
  const [span, ...others] = tracing.spans();
  expect(others).toEqual([]);
  return span!;
}

/** Works out the cost by hand from the catalog's rates of the model id. */
function handCost(modelId: string, counts: TokenCounts): number {
  const result = calcPrice({}, modelId, { providerId: 'aws' });
  if (!result) {
    throw new Error(`aws/${modelId} is not in the catalog`);
  }
  const prices = result.model_price as Record<string, number | undefined>;
  const input = counts.input as number;
  const cacheRead = (counts.cacheRead as number | undefined) ?? 0;
  const cacheWrite = (counts.cacheWrite as number | undefined) ?? 0;
  const inputRate = prices.input_mtok ?? 0;
  return (
    ((input - cacheRead - cacheWrite) * inputRate +
      cacheRead * (prices.cache_read_mtok ?? inputRate) +
      cacheWrite * (prices.cache_write_mtok ?? inputRate) +
      (counts.output as number) * (prices.output_mtok ?? 0)) /
    1e6
  );
}

describe('BedrockRuntimeInstrumentation with recorded responses', () => {
  it('has an expectation for each recording with usage', () => {
    const names = bedrockRecordings()
      .filter((each) => each.exchanges[0]!.response.status === 200)
      .map((each) => each.name)
      .filter((name) => !name!.endsWith('-error'));
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))(
    'records the usage of %s',
    async (name, expected) => {
      const span = await spanOf(name);
      const { finishReasons, ...counts } = expected;

      expect(tokenCounts(span)).toEqual({
        cacheRead: undefined,
        cacheWrite: undefined,
        ...counts,
      });
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(
        finishReasons,
      );
      expect(span.attributes['tokenmeter.usage.estimated']).toBeUndefined();
    },
  );

  it.each(Object.keys(EXPECTED))('records the request of %s', async (name) => {
    const span = await spanOf(name);
    const { operation, modelId } = recordedCommand(recording(name));

    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': modelId,
      'gen_ai.request.stream': operation.endsWith('Stream'),
      'server.address': '127.0.0.1',
    });
    expect(span.name).toBe(
      `${String(span.attributes['gen_ai.operation.name'])} ${modelId}`,
    );
  });

  it.each(Object.entries(EXPECTED))(
    'prices %s as worked out by hand',
    async (name, expected) => {
      const span = await spanOf(name);
      const { modelId } = recordedCommand(recording(name));

      expect(span.attributes['tokenmeter.unpriced']).toBeUndefined();
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        handCost(modelId, expected),
        12,
      );
    },
  );
});

describe('BedrockRuntimeInstrumentation request attributes', () => {
  it('reads Converse inference parameters', async () => {
    const span = await spanOf('bedrock--converse-cache-write');

    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.temperature': 0.2,
    });
  });

  it.each([
    ['bedrock--invoke-model-anthropic', 'chat', { max_tokens: 512 }],
    ['bedrock--invoke-model-nova', 'chat', { max_tokens: 300, top_p: 0.9 }],
    ['bedrock--invoke-model-llama', 'text_completion', { max_tokens: 256 }],
    ['bedrock--invoke-model-titan', 'text_completion', { max_tokens: 128 }],
    ['bedrock--invoke-model-mistral', 'text_completion', { top_k: 50 }],
  ])('reads the native parameters of %s', async (name, operation, params) => {
    const span = await spanOf(name);

    expect(span.attributes['gen_ai.operation.name']).toBe(operation);
    for (const [param, value] of Object.entries(params)) {
      expect(span.attributes[`gen_ai.request.${param}`]).toBe(value);
    }
  });

  it('records the response model of an Anthropic body', async () => {
    const span = await spanOf('bedrock--invoke-model-anthropic');

    expect(span.attributes['gen_ai.response.model']).toBe(
      'claude-3-5-haiku-20241022',
    );
    expect(span.attributes['gen_ai.response.id']).toBe(
      'msg_bdrk_01Wq7k3ZxYv2sN8pQmR4tL6u',
    );
  });
});
