import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';

import { PriceCatalog } from '../../src/pricing/catalog.js';
import { computeCost, rateAt } from '../../src/pricing/cost.js';
import type { ModelPrices } from '../../src/pricing/types.js';
import type { NormalizedUsage } from '../../src/usage/types.js';

function usage(counts: Partial<NormalizedUsage>): NormalizedUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    ...counts,
  };
}

function catalogPrices(provider: string, model: string): ModelPrices {
  const lookup = new PriceCatalog().lookup(provider, model);
  if (!lookup.found) {
    throw new Error(`${provider}/${model} is not in the catalog`);
  }
  return lookup.match.pricesAt(Date.parse('2026-12-01T12:00:00Z'));
}

describe('computeCost', () => {
  it('prices cached OpenAI prompt tokens at the cache rate', () => {
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million.
    const cost = computeCost(
      usage({ inputTokens: 2006, cacheReadTokens: 1920, outputTokens: 300 }),
      catalogPrices('openai', 'gpt-4o-2024-11-20'),
    );

    expect(cost.input).toBeCloseTo((86 * 2.5) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((1920 * 1.25) / 1e6, 15);
    expect(cost.output).toBeCloseTo((300 * 10) / 1e6, 15);
    expect(cost.total).toBeCloseTo(0.005615, 12);
  });

  it('prices Anthropic cache writes at the cache write rate', () => {
    // Claude 3.7 Sonnet: $3 input, $3.75 cache write, $15 output per million.
    const cost = computeCost(
      usage({ inputTokens: 12307, cacheWriteTokens: 12304, outputTokens: 550 }),
      catalogPrices('anthropic', 'claude-3-7-sonnet-20250219'),
    );

    expect(cost.input).toBeCloseTo((3 * 3) / 1e6, 15);
    expect(cost.cacheWrite).toBeCloseTo((12304 * 3.75) / 1e6, 15);
    expect(cost.output).toBeCloseTo((550 * 15) / 1e6, 15);
    expect(cost.total).toBeCloseTo(0.054399, 12);
  });

  it('counts reasoning tokens once, inside output tokens', () => {
    // o3-mini: $4.40 output per million; 300 output of which 200 reasoning.
    const prices = catalogPrices('openai', 'o3-mini');
    const cost = computeCost(
      usage({ inputTokens: 100, outputTokens: 300, reasoningTokens: 200 }),
      prices,
    );

    expect(cost.output).toBeCloseTo((100 * 4.4) / 1e6, 15);
    expect(cost.reasoning).toBeCloseTo((200 * 4.4) / 1e6, 15);
    expect(cost.output + cost.reasoning).toBeCloseTo((300 * 4.4) / 1e6, 15);
  });

  it('moves every token kind to the tier rate above the threshold', () => {
    // gemini-3-pro-preview: $2 / $4 input, $0.20 / $0.40 cached input and
    // $12 / $18 output per million, below / above 200,000 prompt tokens.
    const prices = catalogPrices('google', 'gemini-3-pro-preview');
    const below = computeCost(
      usage({
        inputTokens: 200_000,
        cacheReadTokens: 50_000,
        outputTokens: 1000,
      }),
      prices,
    );
    const above = computeCost(
      usage({
        inputTokens: 200_001,
        cacheReadTokens: 50_000,
        outputTokens: 1000,
      }),
      prices,
    );

    expect(below.input).toBeCloseTo((150_000 * 2) / 1e6, 12);
    expect(below.cacheRead).toBeCloseTo((50_000 * 0.2) / 1e6, 12);
    expect(below.output).toBeCloseTo((1000 * 12) / 1e6, 12);
    expect(above.input).toBeCloseTo((150_001 * 4) / 1e6, 12);
    expect(above.cacheRead).toBeCloseTo((50_000 * 0.4) / 1e6, 12);
    expect(above.output).toBeCloseTo((1000 * 18) / 1e6, 12);
  });

  it('prices Gemini thinking tokens at the output rate', () => {
    // prompt 324, candidates 1,364, thoughts 495: output 1,859 tokens.
    const cost = computeCost(
      usage({ inputTokens: 324, outputTokens: 1859, reasoningTokens: 495 }),
      catalogPrices('google', 'gemini-3-pro-preview'),
    );

    expect(cost.total).toBeCloseTo(0.022956, 12);
  });

  it('falls back to the input rate without a cache price', () => {
    const cost = computeCost(
      usage({ inputTokens: 1000, cacheReadTokens: 400, cacheWriteTokens: 100 }),
      { input_mtok: 1, output_mtok: 2 },
    );

    expect(cost.input).toBeCloseTo(500 / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo(400 / 1e6, 15);
    expect(cost.cacheWrite).toBeCloseTo(100 / 1e6, 15);
  });

  it('agrees with genai-prices on catalog models', () => {
    const cases: [string, string, NormalizedUsage][] = [
      [
        'openai',
        'gpt-4o-mini',
        usage({ inputTokens: 5000, cacheReadTokens: 1024, outputTokens: 700 }),
      ],
      ['openai', 'gpt-4.1', usage({ inputTokens: 1234, outputTokens: 56 })],
      [
        'anthropic',
        'claude-sonnet-4-20250514',
        usage({
          inputTokens: 9000,
          cacheReadTokens: 4000,
          cacheWriteTokens: 3000,
          outputTokens: 900,
        }),
      ],
      [
        'google',
        'gemini-3-pro-preview',
        usage({
          inputTokens: 300_000,
          cacheReadTokens: 100_000,
          outputTokens: 2000,
        }),
      ],
    ];

    for (const [provider, model, counts] of cases) {
      const expected = calcPrice(
        {
          input_tokens: counts.inputTokens,
          cache_read_tokens: counts.cacheReadTokens,
          cache_write_tokens: counts.cacheWriteTokens,
          output_tokens: counts.outputTokens,
        },
        model,
        { providerId: provider, timestamp: new Date('2026-12-01T12:00:00Z') },
      );
      const cost = computeCost(counts, catalogPrices(provider, model));
      expect(cost.total, `${provider}/${model}`).toBeCloseTo(
        expected!.total_price,
        12,
      );
    }
  });
});

describe('rateAt', () => {
  it('takes the highest tier the prompt exceeds', () => {
    const price = {
      base: 1,
      tiers: [
        { start: 100, price: 2 },
        { start: 200, price: 3 },
      ],
    };

    expect(rateAt(price, 100)).toBe(1);
    expect(rateAt(price, 101)).toBe(2);
    expect(rateAt(price, 250)).toBe(3);
    expect(rateAt(undefined, 10)).toBe(0);
  });
});
