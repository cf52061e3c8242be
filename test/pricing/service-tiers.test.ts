import { diag, type DiagLogger } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { resetWarnings } from '../../src/internal/diag.js';
import { PriceCatalog } from '../../src/pricing/catalog.js';
import { computeCost } from '../../src/pricing/cost.js';
import { ratesForTier } from '../../src/pricing/service-tiers.js';
import type { NormalizedUsage } from '../../src/usage/types.js';

const AT = Date.parse('2026-12-01T12:00:00Z');

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

/** Prices a call of a catalog model in a service tier. */
function costIn(
  provider: string,
  model: string,
  tier: string | undefined,
  counts: Partial<NormalizedUsage>,
) {
  const found = new PriceCatalog().lookup(provider, model);
  if (!found.found) {
    throw new Error(`${provider}/${model} is not priced`);
  }
  const rates = found.match.ratesFor(AT, tier);
  return { rates, cost: computeCost(usage(counts), rates.prices) };
}

beforeEach(() => resetWarnings());
afterEach(() => diag.disable());

describe('service tiers', () => {
  it('prices OpenAI flex at half the standard rates', () => {
    // o3: $2 input, $0.50 cached input, $8 output per million; flex halves
    // each: 1,000 uncached x $1 + 1,000 cached x $0.25 + 500 x $4.
    const { rates, cost } = costIn('openai', 'o3-2025-04-16', 'flex', {
      inputTokens: 2000,
      cacheReadTokens: 1000,
      outputTokens: 500,
    });

    expect(rates.appliedTier).toBe('flex');
    expect(cost.input).toBeCloseTo((1000 * 1) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((1000 * 0.25) / 1e6, 15);
    expect(cost.output).toBeCloseTo((500 * 4) / 1e6, 15);
    expect(cost.total).toBeCloseTo(0.00325, 15);
  });

  it('does not halve the web search fee in flex', () => {
    // gpt-5: $10 per 1,000 searches whatever the tier: 2 x $0.01.
    const { cost } = costIn('openai', 'gpt-5', 'flex', {
      inputTokens: 1000,
      webSearchCalls: 2,
    });

    expect(cost.webSearch).toBeCloseTo(0.02, 15);
    // 1,000 x $1.25 / 2 per million.
    expect(cost.input).toBeCloseTo(0.000625, 15);
  });

  it('prices OpenAI priority at the published priority rates', () => {
    // gpt-4o priority: $4.25 input, $2.125 cached, $17 output per million.
    const { rates, cost } = costIn('openai', 'gpt-4o-2024-11-20', 'priority', {
      inputTokens: 3000,
      cacheReadTokens: 2000,
      outputTokens: 1000,
    });

    expect(rates.appliedTier).toBe('priority');
    // 1,000 x 4.25 + 2,000 x 2.125 + 1,000 x 17 = 25,500 per million.
    expect(cost.total).toBeCloseTo(0.0255, 15);
  });

  it('keeps standard long-context rates in GPT-5.4 priority', () => {
    // Below 272K tokens priority is $5 / $30; above, the standard
    // long-context $5 input and $22.50 output apply.
    const short = costIn('openai', 'gpt-5.4', 'priority', {
      inputTokens: 100_000,
      outputTokens: 1000,
    });
    const long = costIn('openai', 'gpt-5.4', 'priority', {
      inputTokens: 300_000,
      outputTokens: 1000,
    });

    expect(short.cost.total).toBeCloseTo((100_000 * 5 + 1000 * 30) / 1e6, 15);
    expect(long.cost.total).toBeCloseTo((300_000 * 5 + 1000 * 22.5) / 1e6, 15);
  });

  it('prices an Anthropic batch at half, cache included', () => {
    // Claude Sonnet 4.5 batch: $1.50 input, $0.15 cache read, $1.875 cache
    // write, $7.50 output per million.
    const { rates, cost } = costIn('anthropic', 'claude-sonnet-4-5', 'batch', {
      inputTokens: 10_000,
      cacheReadTokens: 4000,
      cacheWriteTokens: 2000,
      outputTokens: 1000,
    });

    expect(rates.appliedTier).toBe('batch');
    expect(cost.input).toBeCloseTo((4000 * 1.5) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((4000 * 0.15) / 1e6, 15);
    expect(cost.cacheWrite).toBeCloseTo((2000 * 1.875) / 1e6, 15);
    expect(cost.output).toBeCloseTo((1000 * 7.5) / 1e6, 15);
    // 0.006 + 0.0006 + 0.00375 + 0.0075
    expect(cost.total).toBeCloseTo(0.01785, 15);
  });

  it('halves the long-context tier of a batch too', () => {
    // Sonnet 4.5 above 200K in a batch: $3 input, $11.25 output per million.
    const { cost } = costIn('anthropic', 'claude-sonnet-4-5', 'batch', {
      inputTokens: 250_000,
      outputTokens: 2000,
    });

    expect(cost.total).toBeCloseTo((250_000 * 3 + 2000 * 11.25) / 1e6, 15);
  });

  it('prices Azure OpenAI flex at half', () => {
    // gpt-4o through Azure: $2.50 / $10, halved.
    const { cost } = costIn('azure.ai.openai', 'gpt-4o-2024-11-20', 'flex', {
      inputTokens: 1000,
      outputTokens: 1000,
    });

    expect(cost.total).toBeCloseTo((1000 * 1.25 + 1000 * 5) / 1e6, 15);
  });

  it('prices Groq flex at the on-demand rates', () => {
    // llama-3.3-70b-versatile: $0.59 / $0.79 in both tiers.
    const { rates, cost } = costIn('groq', 'llama-3.3-70b-versatile', 'flex', {
      inputTokens: 1000,
      outputTokens: 1000,
    });

    expect(rates.appliedTier).toBe('flex');
    expect(cost.total).toBeCloseTo((1000 * 0.59 + 1000 * 0.79) / 1e6, 15);
  });

  it.each(['default', 'standard', 'auto', 'on_demand', undefined])(
    'applies the standard rates for %s',
    (tier) => {
      const { rates, cost } = costIn('openai', 'gpt-4o', tier, {
        inputTokens: 1000,
        outputTokens: 1000,
      });

      expect(rates.appliedTier).toBeUndefined();
      expect(rates.unknownTier).toBe(false);
      expect(cost.total).toBeCloseTo((1000 * 2.5 + 1000 * 10) / 1e6, 15);
    },
  );

  it('warns once and keeps standard rates for an unknown tier', () => {
    const warn = vi.fn();
    diag.setLogger(
      { ...silentLogger(), warn },
      { suppressOverrideMessage: true },
    );

    const first = costIn('openai', 'o4-mini', 'priority', {
      inputTokens: 1000,
      outputTokens: 1000,
    });
    costIn('openai', 'o4-mini', 'priority', { inputTokens: 1 });

    expect(first.rates.unknownTier).toBe(true);
    expect(first.rates.appliedTier).toBeUndefined();
    // o4-mini standard: $1.10 / $4.40.
    expect(first.cost.total).toBeCloseTo((1000 * 1.1 + 1000 * 4.4) / 1e6, 15);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.join(' ')).toContain('openai/o4-mini');
  });
});

describe('ratesForTier', () => {
  it('reads tier names without regard to case', () => {
    const rates = ratesForTier({
      providerId: 'anthropic',
      modelId: 'claude-x',
      prices: { input_mtok: 2, output_mtok: 4 },
      tier: 'Batch',
    });

    expect(rates.prices).toEqual({ input_mtok: 1, output_mtok: 2 });
  });

  it('scales every tier of a tiered price', () => {
    const rates = ratesForTier({
      providerId: 'openai',
      modelId: 'm',
      prices: { input_mtok: { base: 2, tiers: [{ start: 10, price: 4 }] } },
      tier: 'flex',
    });

    expect(rates.prices.input_mtok).toEqual({
      base: 1,
      tiers: [{ start: 10, price: 2 }],
    });
  });
});

function silentLogger(): DiagLogger {
  return {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}
