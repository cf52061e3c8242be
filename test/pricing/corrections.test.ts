import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';

import { PriceCatalog } from '../../src/pricing/catalog.js';
import { PRICE_CORRECTIONS } from '../../src/pricing/corrections.js';
import { computeCost } from '../../src/pricing/cost.js';
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

function lookup(provider: string, model: string) {
  const found = new PriceCatalog().lookup(provider, model);
  if (!found.found) {
    throw new Error(`${provider}/${model} is not priced: ${found.reason}`);
  }
  return found.match;
}

describe('built-in price corrections', () => {
  it('prices Claude Sonnet 4 above 200K tokens at the long-context rates', () => {
    // 300,000 prompt tokens (80,000 cache reads, 20,000 cache writes) and
    // 2,000 output tokens, all at the >200K rates: $6 input, $0.60 cache
    // read, $7.50 cache write, $22.50 output per million.
    const match = lookup('anthropic', 'claude-sonnet-4-20250514');
    const cost = computeCost(
      usage({
        inputTokens: 300_000,
        cacheReadTokens: 80_000,
        cacheWriteTokens: 20_000,
        outputTokens: 2000,
      }),
      match.pricesAt(AT),
    );

    expect(cost.input).toBeCloseTo((200_000 * 6) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((80_000 * 0.6) / 1e6, 15);
    expect(cost.cacheWrite).toBeCloseTo((20_000 * 7.5) / 1e6, 15);
    expect(cost.output).toBeCloseTo((2000 * 22.5) / 1e6, 15);
    // 1.2 + 0.048 + 0.15 + 0.045
    expect(cost.total).toBeCloseTo(1.443, 12);
    expect(match.source).toMatch(/^genai-prices@[\d.]+\+corrections$/);
  });

  it('keeps the standard Sonnet 4 rates up to 200K tokens', () => {
    // 200,000 prompt tokens is not above the threshold: $3 and $15.
    const cost = computeCost(
      usage({ inputTokens: 200_000, outputTokens: 1000 }),
      lookup('anthropic', 'claude-sonnet-4-20250514').pricesAt(AT),
    );

    expect(cost.total).toBeCloseTo((200_000 * 3 + 1000 * 15) / 1e6, 15);
  });

  it('differs from genai-prices only above the threshold', () => {
    const below = usage({ inputTokens: 150_000, outputTokens: 1000 });
    const catalog = calcPrice(
      { input_tokens: 150_000, output_tokens: 1000 },
      'claude-sonnet-4-20250514',
      { providerId: 'anthropic', timestamp: new Date(AT) },
    );
    const cost = computeCost(
      below,
      lookup('anthropic', 'claude-sonnet-4-20250514').pricesAt(AT),
    );

    expect(cost.total).toBeCloseTo(catalog!.total_price, 15);
  });

  it('prices GPT-4o Audio audio tokens at the audio rates', () => {
    // gpt-4o-audio-preview: text $2.50 / $10, audio $40 / $80 per million.
    // 2,000 input tokens of which 1,500 audio; 600 output of which 500 audio.
    const match = lookup('openai', 'gpt-4o-audio-preview-2024-12-17');
    const cost = computeCost(
      usage({
        inputTokens: 2000,
        inputAudioTokens: 1500,
        outputTokens: 600,
        outputAudioTokens: 500,
      }),
      match.pricesAt(AT),
    );

    expect(cost.input).toBeCloseTo((500 * 2.5) / 1e6, 15);
    expect(cost.inputAudio).toBeCloseTo((1500 * 40) / 1e6, 15);
    expect(cost.output).toBeCloseTo((100 * 10) / 1e6, 15);
    expect(cost.outputAudio).toBeCloseTo((500 * 80) / 1e6, 15);
    // 0.00125 + 0.06 + 0.001 + 0.04
    expect(cost.total).toBeCloseTo(0.10225, 15);
  });

  it('prices GPT-4o mini Audio audio tokens at the audio rates', () => {
    // $10 audio input and $20 audio output per million.
    const cost = computeCost(
      usage({
        inputTokens: 1000,
        inputAudioTokens: 1000,
        outputTokens: 1000,
        outputAudioTokens: 1000,
      }),
      lookup('openai', 'gpt-4o-mini-audio-preview').pricesAt(AT),
    );

    expect(cost.total).toBeCloseTo((1000 * 10 + 1000 * 20) / 1e6, 15);
  });

  it('leaves user overrides ahead of the corrections', () => {
    const catalog = new PriceCatalog([
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        prices: { input_mtok: 1, output_mtok: 1 },
      },
    ]);

    const found = catalog.lookup('anthropic', 'claude-sonnet-4-20250514');
    expect(found.found).toBe(true);
    expect(found.found ? found.match.source : undefined).toBe('override');
  });

  it('names catalog models that exist', () => {
    const catalog = new PriceCatalog();
    for (const correction of PRICE_CORRECTIONS) {
      const found = catalog.lookup(correction.providerId, correction.modelId);
      const modelId = found.found ? found.match.modelId : undefined;
      expect(modelId, correction.modelId).toBe(correction.modelId);
    }
  });
});
