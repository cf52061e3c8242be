import { PRICE_KEYS } from './cost.js';
import type { ModelPrices, TokenPrice } from './types.js';

/**
 * Tier names that providers report for their standard rates: OpenAI's
 * `default` (and the `auto` request value), Anthropic's `standard`, Groq's
 * `on_demand`.
 */
const STANDARD_TIERS: ReadonlySet<string> = new Set([
  'default',
  'standard',
  'auto',
  'on_demand',
]);

/**
 * Tiers priced as a fixed share of the standard token prices, by catalog
 * provider id and tier name. Fees per search or per request are not
 * scaled.
 */
const TIER_MULTIPLIERS: Readonly<
  Record<string, Readonly<Record<string, number>>>
> = {
  // Flex processing is "priced at Batch API rates, with additional
  // discounts from prompt caching": half of every token price, cached
  // input included. Source: OpenAI's flex processing guide, as mirrored at
  // https://www.daqianai.cc/docs/openai/guides/flex-processing, read
  // 2026-12-04. Batch is billed at the same rates.
  openai: { flex: 0.5, batch: 0.5 },
  // "Flex processing (preview) provides inference at a 50% discount
  // compared with Standard processing." Source:
  // https://learn.microsoft.com/en-ca/Azure/foundry/openai/how-to/flex-processing,
  // read 2026-12-04.
  azure: { flex: 0.5 },
  // Message Batches: "50% discount on input and output". Sources:
  // https://docs.anthropic.com/en/docs/about-claude/pricing (batch table)
  // and https://platform.claude.com/docs/en/models/sonnet-5/overview, read
  // 2026-12-04.
  // NOTE: those pages name input and output only. Cache reads and writes
  // are halved too, on the reading that the caching multipliers apply to
  // the batch input rate.
  anthropic: { batch: 0.5 },
  // "Pricing matches the on-demand tier." Source:
  // https://console.groq.com/docs/flex-processing, read 2026-12-04.
  groq: { flex: 1 },
};

/**
 * Tiers priced per model, by catalog provider id, tier name and catalog
 * model id. The listed fields replace the standard ones.
 */
const TIER_PRICES: Readonly<
  Record<
    string,
    Readonly<Record<string, Readonly<Record<string, ModelPrices>>>>
  >
> = {
  openai: {
    // Priority processing, per million tokens: input, cached input, output.
    // Source: https://openai.com/api-priority-processing/, read 2026-12-04.
    // That page lists GPT-5.4 and GPT-5.5 priority rates as excluding long
    // context.
    // NOTE: above 272K input tokens their standard long-context rates are
    // kept here; the page does not say what a long priority request costs.
    priority: {
      'gpt-5.5': priority(12.5, 1.25, 75, {
        start: 271_999,
        standard: [10, 1, 45],
      }),
      'gpt-5.4-mini': priority(1.5, 0.15, 9),
      'gpt-5.4': priority(5, 0.5, 30, {
        start: 271_999,
        standard: [5, 0.5, 22.5],
      }),
      'gpt-5.2': priority(3.5, 0.35, 28),
      'gpt-5.1': priority(2.5, 0.25, 20),
      'gpt-5': priority(2.5, 0.25, 20),
      'gpt-5-mini': priority(0.45, 0.045, 3.6),
      'gpt-4.1': priority(3.5, 0.875, 14),
      'gpt-4.1-mini': priority(0.7, 0.175, 2.8),
      'gpt-4.1-nano': priority(0.2, 0.05, 0.8),
      'gpt-4o': priority(4.25, 2.125, 17),
      'gpt-4o-2024-05-13': { input_mtok: 8.75, output_mtok: 26.25 },
      'gpt-4o-mini': priority(0.25, 0.125, 1),
      o3: priority(3.5, 0.875, 14),
    },
  },
};

/** The rates that apply to a call in a service tier. */
export interface TierRates {
  prices: ModelPrices;
  /** The tier whose rates were applied; undefined for standard rates. */
  appliedTier?: string;
  /** True when the call's tier has no known rates, so standard ones apply. */
  unknownTier: boolean;
}

/**
 * Returns the rates of a service tier: the standard prices for a standard
 * or absent tier, the provider's per-model tier prices where published,
 * else the standard prices scaled by the tier's multiplier. A tier without
 * known rates keeps the standard prices and is flagged `unknownTier`.
 */
export function ratesForTier(options: {
  providerId: string;
  modelId: string;
  prices: ModelPrices;
  tier: string | undefined;
}): TierRates {
  const { providerId, modelId, prices } = options;
  const tier = options.tier?.toLowerCase();
  if (tier === undefined || STANDARD_TIERS.has(tier)) {
    return { prices, unknownTier: false };
  }

  const tierPrices = TIER_PRICES[providerId]?.[tier]?.[modelId];
  if (tierPrices) {
    return {
      prices: { ...prices, ...tierPrices },
      appliedTier: tier,
      unknownTier: false,
    };
  }

  const multiplier = TIER_MULTIPLIERS[providerId]?.[tier];
  if (multiplier !== undefined) {
    return {
      prices: scaleTokenPrices(prices, multiplier),
      appliedTier: tier,
      unknownTier: false,
    };
  }
  return { prices, unknownTier: true };
}

/** Multiplies every per-token price, leaving per-search fees as they are. */
function scaleTokenPrices(prices: ModelPrices, factor: number): ModelPrices {
  const scaled: ModelPrices = { ...prices };
  for (const key of PRICE_KEYS) {
    const price = prices[key];
    if (price !== undefined && key.endsWith('_mtok')) {
      scaled[key] = scalePrice(price, factor);
    }
  }
  return scaled;
}

function scalePrice(price: TokenPrice, factor: number): TokenPrice {
  if (typeof price === 'number') {
    return price * factor;
  }
  return {
    base: price.base * factor,
    tiers: price.tiers.map((tier) => ({ ...tier, price: tier.price * factor })),
  };
}

/**
 * Builds priority prices from the input, cached input and output rates.
 * `longContext` gives the standard rates that apply above `start` prompt
 * tokens, in the same order.
 */
function priority(
  input: number,
  cachedInput: number,
  output: number,
  longContext?: { start: number; standard: [number, number, number] },
): ModelPrices {
  if (longContext === undefined) {
    return {
      input_mtok: input,
      cache_read_mtok: cachedInput,
      output_mtok: output,
    };
  }
  const { start, standard } = longContext;
  const tiered = (base: number, long: number): TokenPrice => ({
    base,
    tiers: [{ start, price: long }],
  });
  return {
    input_mtok: tiered(input, standard[0]),
    cache_read_mtok: tiered(cachedInput, standard[1]),
    output_mtok: tiered(output, standard[2]),
  };
}
