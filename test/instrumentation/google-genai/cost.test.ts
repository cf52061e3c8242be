import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { GoogleGenAIInstrumentation } from '../../../src/instrumentation/google-genai/instrumentation.js';
import { CostSpanProcessor } from '../../../src/processor/cost-span-processor.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  createClient,
  GoogleGenAIModule,
  recordedParams,
  sendRecorded,
  startReplay,
} from './support.js';

const tracing = setupTracing([new CostSpanProcessor()]);
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.manuallyInstrument(GoogleGenAIModule);

afterEach(() => tracing.reset());
afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

/** Sends a recording through the SDK and returns the priced span. */
async function pricedSpan(name: string) {
  const recorded = recording(name);
  const server = await startReplay([recorded]);
  try {
    const { vertex } = recordedParams(recorded);
    await sendRecorded(createClient(server.origin, { vertex }), recorded);
  } finally {
    await server.close();
  }
  const [span] = tracing.spans();
  return span!;
}

type Price =
  number | { base: number; tiers: { start: number; price: number }[] };

/** Picks a rate, in USD per million tokens, in the tier of the whole prompt. */
function rate(price: Price | undefined, prompt: number): number {
  if (price === undefined || typeof price === 'number') {
    return price ?? 0;
  }
  const tier = price.tiers.findLast((each) => prompt >= each.start);
  return tier?.price ?? price.base;
}

/** Reads the catalog's prices of a Google model from genai-prices. */
function catalogPrices(model: string): Record<string, Price> {
  const result = calcPrice({}, model, { providerId: 'google' });
  if (!result) {
    throw new Error(`google/${model} is not in the catalog`);
  }
  return result.model_price as Record<string, Price>;
}

describe('GoogleGenAIInstrumentation with CostSpanProcessor', () => {
  it('prices a thinking call as worked out by hand', async () => {
    const span = await pricedSpan('google--generate-content-thinking');

    // gemini-3-pro-preview up to 200k prompt tokens: $2 per million input
    // tokens, $12 per million output tokens, thinking included:
    // 324 * 2 / 1e6 + (1364 + 495) * 12 / 1e6 = 0.000648 + 0.022308.
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      0.022956,
      12,
    );
    expect(span.attributes['gen_ai.usage.cost.currency']).toBe('USD');
  });

  it.each([
    'google--generate-content-stream',
    'google--generate-content-cached-tools',
    'google--vertex-generate-content',
  ])('prices %s from the catalog rates', async (name) => {
    const span = await pricedSpan(name);
    const attributes = span.attributes;
    const input = attributes['gen_ai.usage.input_tokens'] as number;
    const output = attributes['gen_ai.usage.output_tokens'] as number;
    const cacheRead =
      (attributes['gen_ai.usage.cache_read.input_tokens'] as number) ?? 0;
    const prices = catalogPrices(attributes['gen_ai.response.model'] as string);

    const expected =
      ((input - cacheRead) * rate(prices.input_mtok, input) +
        cacheRead * rate(prices.cache_read_mtok ?? prices.input_mtok, input) +
        output * rate(prices.output_mtok, input)) /
      1e6;
    expect(expected).toBeGreaterThan(0);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expected, 12);
  });

  it('prices audio input at the audio rate', async () => {
    const span = await pricedSpan('google--generate-content-audio');
    const prices = catalogPrices('gemini-2.5-flash');

    // 14 text and 1,032 audio input tokens, 88 output tokens.
    const expected =
      (14 * rate(prices.input_mtok, 1046) +
        1032 * rate(prices.input_audio_mtok, 1046) +
        88 * rate(prices.output_mtok, 1046)) /
      1e6;
    expect(rate(prices.input_audio_mtok, 1046)).toBeGreaterThan(
      rate(prices.input_mtok, 1046),
    );
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      expected,
      12,
    );
  });
});
