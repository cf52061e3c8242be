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
        usage({
          inputTokens: 5000,
          cacheReadTokens: 1024,
          outputTokens: 700,
          webSearchCalls: 3,
        }),
      ],
      [
        'openai',
        'gpt-audio',
        usage({
          inputTokens: 1500,
          inputAudioTokens: 1200,
          outputTokens: 900,
          outputAudioTokens: 800,
        }),
      ],
      [
        'google',
        'gemini-2.5-flash',
        usage({
          inputTokens: 20_000,
          cacheReadTokens: 4000,
          inputAudioTokens: 6000,
          outputTokens: 500,
          reasoningTokens: 200,
        }),
      ],
      [
        'google',
        'gemini-2.5-flash-image',
        usage({ inputTokens: 40, outputTokens: 1300, outputImageTokens: 1290 }),
      ],
      [
        'openai',
        'gpt-image-1',
        usage({ inputTokens: 600, inputImageTokens: 500, outputTokens: 4160 }),
      ],
      [
        'anthropic',
        'claude-sonnet-4-5',
        usage({
          inputTokens: 250_000,
          cacheReadTokens: 100_000,
          cacheWriteTokens: 50_000,
          outputTokens: 3000,
          webSearchCalls: 2,
        }),
      ],
      [
        'anthropic',
        'claude-haiku-4-5',
        usage({
          inputTokens: 9000,
          cacheWriteTokens: 6000,
          cacheWrite1hTokens: 4000,
          outputTokens: 300,
        }),
      ],
      [
        'openai',
        'gpt-5.4',
        usage({
          inputTokens: 300_000,
          cacheReadTokens: 200_000,
          outputTokens: 4000,
          reasoningTokens: 3000,
        }),
      ],
      [
        'perplexity',
        'sonar-deep-research',
        usage({
          inputTokens: 3000,
          outputTokens: 5000,
          reasoningTokens: 4000,
          webSearchCalls: 12,
        }),
      ],
      ['perplexity', 'sonar', usage({ inputTokens: 300, outputTokens: 200 })],
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
          output_reasoning_tokens: counts.reasoningTokens,
          input_audio_tokens: counts.inputAudioTokens,
          output_audio_tokens: counts.outputAudioTokens,
          input_image_tokens: counts.inputImageTokens,
          output_image_tokens: counts.outputImageTokens,
          web_searches: counts.webSearchCalls,
          cache_write_1h_tokens: counts.cacheWrite1hTokens,
          // tokenmeter does not split cached audio out of cache reads;
          // genai-prices needs the count for models that price it.
          cache_audio_read_tokens: 0,
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

describe('computeCost with other units', () => {
  it('prices audio tokens at the audio rates', () => {
    // gpt-audio: text $2.50 in / $10 out, audio $32 in / $64 out per million.
    // Input 1,500 of which 1,200 audio; output 900 of which 800 audio.
    const cost = computeCost(
      usage({
        inputTokens: 1500,
        inputAudioTokens: 1200,
        outputTokens: 900,
        outputAudioTokens: 800,
      }),
      catalogPrices('openai', 'gpt-audio'),
    );

    expect(cost.input).toBeCloseTo((300 * 2.5) / 1e6, 15);
    expect(cost.inputAudio).toBeCloseTo((1200 * 32) / 1e6, 15);
    expect(cost.output).toBeCloseTo((100 * 10) / 1e6, 15);
    expect(cost.outputAudio).toBeCloseTo((800 * 64) / 1e6, 15);
    // 0.00075 + 0.0384 + 0.001 + 0.0512
    expect(cost.total).toBeCloseTo(0.09135, 15);
  });

  it('keeps audio in input without an audio rate', () => {
    // A model priced $1 in / $2 out with no audio rates: 1,000 input tokens,
    // 600 of them audio, all at $1.
    const cost = computeCost(
      usage({ inputTokens: 1000, inputAudioTokens: 600, outputTokens: 10 }),
      { input_mtok: 1, output_mtok: 2 },
    );

    expect(cost.input).toBeCloseTo(1000 / 1e6, 15);
    expect(cost.inputAudio).toBe(0);
    expect(cost.total).toBeCloseTo((1000 * 1 + 10 * 2) / 1e6, 15);
  });

  it('prices image output tokens at the image rate', () => {
    // gemini-2.5-flash-image: $0.30 in, $2.50 text out, $30 image out.
    // One 1024x1024 image is 1,290 tokens: 1,290 x $30 = $0.0387.
    const cost = computeCost(
      usage({ inputTokens: 40, outputTokens: 1300, outputImageTokens: 1290 }),
      catalogPrices('google', 'gemini-2.5-flash-image'),
    );

    expect(cost.outputImage).toBeCloseTo(0.0387, 15);
    expect(cost.output).toBeCloseTo((10 * 2.5) / 1e6, 15);
    expect(cost.input).toBeCloseTo((40 * 0.3) / 1e6, 15);
  });

  it('prices web searches per thousand', () => {
    // Claude Sonnet 4.5: $10 per 1,000 searches, so 3 searches are $0.03.
    const cost = computeCost(
      usage({ inputTokens: 1000, outputTokens: 100, webSearchCalls: 3 }),
      catalogPrices('anthropic', 'claude-sonnet-4-5-20250929'),
    );

    expect(cost.webSearch).toBeCloseTo(0.03, 15);
    // 1,000 x $3 + 100 x $15 per million, plus the searches.
    expect(cost.total).toBeCloseTo(0.003 + 0.0015 + 0.03, 15);
  });

  it('adds a per-request fee once per call', () => {
    // Perplexity sonar: $1 in, $1 out per million, $12 per 1,000 requests.
    const cost = computeCost(
      usage({ inputTokens: 300, outputTokens: 200 }),
      catalogPrices('perplexity', 'sonar'),
    );

    expect(cost.request).toBeCloseTo(0.012, 15);
    expect(cost.total).toBeCloseTo(0.0005 + 0.012, 15);
  });

  it('moves cache writes and reads to the long-context tier', () => {
    // Claude Sonnet 4.5 above 200,000 prompt tokens: $6 input, $7.50 cache
    // write, $0.60 cache read, $22.50 output. The prompt is 250,000 tokens:
    // 100,000 cache reads, 50,000 cache writes and 100,000 uncached.
    const cost = computeCost(
      usage({
        inputTokens: 250_000,
        cacheReadTokens: 100_000,
        cacheWriteTokens: 50_000,
        outputTokens: 3000,
      }),
      catalogPrices('anthropic', 'claude-sonnet-4-5-20250929'),
    );

    expect(cost.input).toBeCloseTo((100_000 * 6) / 1e6, 15);
    expect(cost.cacheWrite).toBeCloseTo((50_000 * 7.5) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((100_000 * 0.6) / 1e6, 15);
    expect(cost.output).toBeCloseTo((3000 * 22.5) / 1e6, 15);
    // 0.6 + 0.375 + 0.06 + 0.0675
    expect(cost.total).toBeCloseTo(1.1025, 12);
  });

  it('prices one-hour cache writes at their own rate', () => {
    // Claude Haiku 4.5: $1 input, $1.25 five-minute and $2 one-hour cache
    // writes per million. 6,000 writes, 4,000 of them for an hour:
    // 2,000 x $1.25 + 4,000 x $2.
    const cost = computeCost(
      usage({
        inputTokens: 9000,
        cacheWriteTokens: 6000,
        cacheWrite1hTokens: 4000,
        outputTokens: 300,
      }),
      catalogPrices('anthropic', 'claude-haiku-4-5-20251001'),
    );

    expect(cost.cacheWrite).toBeCloseTo((2000 * 1.25 + 4000 * 2) / 1e6, 15);
    expect(cost.input).toBeCloseTo((3000 * 1) / 1e6, 15);
  });

  it('counts cached tokens toward the tier threshold', () => {
    // GPT-5.4 moves to $5 / $0.50 / $22.50 from 272,000 prompt tokens. Only
    // 100,000 of these 280,000 are uncached, but the whole prompt counts.
    const cost = computeCost(
      usage({
        inputTokens: 280_000,
        cacheReadTokens: 180_000,
        outputTokens: 1000,
      }),
      catalogPrices('openai', 'gpt-5.4'),
    );

    expect(cost.input).toBeCloseTo((100_000 * 5) / 1e6, 15);
    expect(cost.cacheRead).toBeCloseTo((180_000 * 0.5) / 1e6, 15);
    expect(cost.output).toBeCloseTo((1000 * 22.5) / 1e6, 15);
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
