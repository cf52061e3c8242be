import type { NormalizedUsage } from '../usage/types.js';
import type { ModelPrices, TokenPrice } from './types.js';

/** The cost of one model call by token type, in USD. */
export interface CostBreakdown {
  /** Input tokens that were neither cache reads nor cache writes. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens other than reasoning tokens. */
  output: number;
  reasoning: number;
  total: number;
}

const PER_MILLION = 1_000_000;

/**
 * Prices a call's usage. Each token kind is priced at its own rate, and a
 * tiered rate is taken from the tier that the whole prompt (cached tokens
 * included) falls in, for every kind of token in the request. This is the
 * arithmetic of the genai-prices catalog, kept here so that the cost can be
 * reported by token type.
 */
export function computeCost(
  usage: NormalizedUsage,
  prices: ModelPrices,
): CostBreakdown {
  const prompt = usage.inputTokens;
  const rate = (price: TokenPrice | undefined): number => rateAt(price, prompt);

  const inputRate = rate(prices.input_mtok);
  const outputRate = rate(prices.output_mtok);
  const uncached = Math.max(
    0,
    usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens,
  );
  const visibleOutput = Math.max(0, usage.outputTokens - usage.reasoningTokens);

  const cost = {
    input: perMillion(uncached, inputRate),
    cacheRead: perMillion(
      usage.cacheReadTokens,
      prices.cache_read_mtok === undefined
        ? inputRate
        : rate(prices.cache_read_mtok),
    ),
    cacheWrite: perMillion(
      usage.cacheWriteTokens,
      prices.cache_write_mtok === undefined
        ? inputRate
        : rate(prices.cache_write_mtok),
    ),
    output: perMillion(visibleOutput, outputRate),
    reasoning: perMillion(
      usage.reasoningTokens,
      prices.output_reasoning_mtok === undefined
        ? outputRate
        : rate(prices.output_reasoning_mtok),
    ),
  };
  const total =
    cost.input +
    cost.cacheRead +
    cost.cacheWrite +
    cost.output +
    cost.reasoning;
  return { ...cost, total };
}

/** The rate of a price for a prompt of `promptTokens` tokens. */
export function rateAt(
  price: TokenPrice | undefined,
  promptTokens: number,
): number {
  if (price === undefined) {
    return 0;
  }
  if (typeof price === 'number') {
    return price;
  }

  let rate = price.base;
  for (const tier of price.tiers) {
    if (promptTokens > tier.start) {
      rate = tier.price;
    }
  }
  return rate;
}

function perMillion(tokens: number, rate: number): number {
  return tokens === 0 ? 0 : (tokens * rate) / PER_MILLION;
}
