import type { PriceCatalog } from '../pricing/catalog.js';
import { computeCost, rateAt, type CostBreakdown } from '../pricing/cost.js';
import type { ModelPrices } from '../pricing/types.js';
import {
  SAVING_REASON_VALUE_MODEL_ROUTING,
  SAVING_REASON_VALUE_PROMPT_CACHE,
} from '../semconv.js';
import type { GenAiCall } from '../usage/types.js';

/** Money a call did not spend, and why. */
export interface Saving {
  reason: string;
  /** In the cost currency. */
  amount: number;
}

const PER_MILLION = 1_000_000;

/**
 * The saving of the provider's prompt cache: the cache reads priced at
 * the full input rate, less what they cost at the cache read rate.
 */
export function promptCacheSaving(
  call: GenAiCall,
  prices: ModelPrices,
  cost: CostBreakdown,
): Saving | undefined {
  const reads = call.usage.cacheReadTokens;
  if (reads <= 0) {
    return undefined;
  }
  const fullPrice =
    (reads * rateAt(prices.input_mtok, call.usage.inputTokens)) / PER_MILLION;
  const amount = fullPrice - cost.cacheRead;
  return amount > 0
    ? { reason: SAVING_REASON_VALUE_PROMPT_CACHE, amount }
    : undefined;
}

/**
 * The saving of routing a call to a cheaper model: the same usage priced
 * at the model the app would otherwise have used, less the call's cost.
 * None when that model has no price, or costs no more.
 */
export function routingSaving(
  call: GenAiCall,
  insteadOf: string,
  cost: CostBreakdown,
  catalog: PriceCatalog,
  timeMs: number,
): Saving | undefined {
  const lookup = catalog.lookup(call.provider, insteadOf);
  if (!lookup.found) {
    return undefined;
  }
  const alternative = computeCost(call.usage, lookup.match.pricesAt(timeMs));
  const amount = alternative.total - cost.total;
  return amount > 0
    ? { reason: SAVING_REASON_VALUE_MODEL_ROUTING, amount }
    : undefined;
}
