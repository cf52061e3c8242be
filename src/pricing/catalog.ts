import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import {
  calcPrice,
  findProvider,
  type ConditionalPrice,
  type ModelInfo,
  type ModelPrice,
} from '@pydantic/genai-prices';

import { logger, describeError } from '../internal/diag.js';
import { catalogProviderId } from './providers.js';
import type { ModelPrices, PriceOverride, TokenPrice } from './types.js';

/** The prices found for one provider and model. */
export interface PriceMatch {
  /** The catalog provider id, or the override's provider. */
  providerId: string;
  /** The catalog model id, or the override's model name. */
  modelId: string;
  /** `genai-prices@<version>` for catalog prices, `override` otherwise. */
  source: string;
  /**
   * The prices in force at a time, in milliseconds since the epoch; most
   * models have one set for all times.
   */
  pricesAt(timeMs: number): ModelPrices;
}

/** The reason no price was found. */
export type NoPriceReason =
  'unknown_model' | 'unknown_provider' | 'no_token_prices';

export type PriceLookup =
  { found: true; match: PriceMatch } | { found: false; reason: NoPriceReason };

// Model names seen in spans are bounded in practice, but they come from
// outside, so the cache is capped.
const MAX_CACHED_LOOKUPS = 2048;

const PRICE_KEYS: readonly (keyof ModelPrices)[] = [
  'input_mtok',
  'output_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'output_reasoning_mtok',
];

/**
 * Finds model prices: first in the user's overrides, in their order, then
 * in the genai-prices catalog bundled with the package (its remote update
 * is never turned on, so no network call is made). Each provider and model
 * is looked up once and the result cached.
 */
export class PriceCatalog {
  private readonly overrides: readonly PriceOverride[];
  private readonly catalogSource: string;

  private readonly cache = new Map<string, PriceLookup>();

  constructor(overrides: readonly PriceOverride[] = []) {
    this.overrides = overrides;
    this.catalogSource = `genai-prices@${catalogVersion()}`;
  }

  /** Looks up the prices of a model, as named by a provider. */
  lookup(provider: string | undefined, model: string): PriceLookup {
    const key = `${provider ?? ''}\n${model}`;
    let result = this.cache.get(key);
    if (result === undefined) {
      result =
        this.findOverride(provider, model) ??
        this.findInCatalog(provider, model);
      this.remember(key, result);
    }
    return result;
  }

  private remember(key: string, result: PriceLookup): void {
    if (this.cache.size >= MAX_CACHED_LOOKUPS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
      }
    }
    this.cache.set(key, result);
  }

  private findOverride(
    provider: string | undefined,
    model: string,
  ): PriceLookup | undefined {
    const override = this.overrides.find(
      (entry) =>
        providerMatches(entry, provider) && modelMatches(entry.model, model),
    );
    if (!override) {
      return undefined;
    }

    const prices = override.prices;
    return {
      found: true,
      match: {
        providerId:
          override.provider ?? catalogProviderId(provider) ?? 'unknown',
        modelId: override.model,
        source: 'override',
        pricesAt: () => prices,
      },
    };
  }

  private findInCatalog(
    provider: string | undefined,
    model: string,
  ): PriceLookup {
    const providerId = catalogProviderId(provider);
    if (providerId !== undefined && !findProvider({ providerId })) {
      return { found: false, reason: 'unknown_provider' };
    }

    let result;
    try {
      result = calcPrice(
        {},
        model,
        providerId === undefined ? {} : { providerId },
      );
    } catch (error) {
      logger.error(`Price lookup failed for ${model}: ${describeError(error)}`);
      return { found: false, reason: 'unknown_model' };
    }
    if (!result) {
      return { found: false, reason: 'unknown_model' };
    }

    const pricesAt = pricesOverTime(result.model);
    if (!hasTokenPrices(pricesAt(Date.now()))) {
      return { found: false, reason: 'no_token_prices' };
    }
    return {
      found: true,
      match: {
        providerId: result.provider.id,
        modelId: result.model.id,
        source: this.catalogSource,
        pricesAt,
      },
    };
  }
}

function providerMatches(
  entry: PriceOverride,
  provider: string | undefined,
): boolean {
  if (entry.provider === undefined) {
    return true;
  }
  const expected = entry.provider.toLowerCase();
  return (
    provider !== undefined &&
    (expected === provider.toLowerCase() ||
      expected === catalogProviderId(provider))
  );
}

function modelMatches(pattern: string, model: string): boolean {
  const name = model.toLowerCase();
  const expected = pattern.toLowerCase();
  return expected.endsWith('*')
    ? name.startsWith(expected.slice(0, -1))
    : name === expected;
}

/**
 * Turns a catalog model's prices into a function of time. Some models
 * change price on a date or by time of day (off-peak discounts). The entry
 * in force is the last one whose constraint holds, as in genai-prices.
 */
function pricesOverTime(model: ModelInfo): (timeMs: number) => ModelPrices {
  if (!Array.isArray(model.prices)) {
    const fixed = toModelPrices(model.prices);
    return () => fixed;
  }

  const entries = model.prices.map((entry) => ({
    constraint: entry.constraint,
    prices: toModelPrices(entry.prices),
  }));
  return (timeMs) => {
    const time = new Date(timeMs);
    for (let index = entries.length - 1; index >= 0; index--) {
      const entry = entries[index];
      if (entry && constraintHolds(entry.constraint, time)) {
        return entry.prices;
      }
    }
    return entries[0]?.prices ?? {};
  };
}

function constraintHolds(
  constraint: ConditionalPrice['constraint'],
  time: Date,
): boolean {
  if (constraint === undefined) {
    return true;
  }
  if (constraint.type === 'start_date') {
    return time >= new Date(constraint.start_date);
  }

  const now = secondsOfDay(time);
  const start = secondsOfDayUtc(constraint.start_time);
  const end = secondsOfDayUtc(constraint.end_time);
  return end < start ? now >= start || now < end : now >= start && now < end;
}

function secondsOfDay(time: Date): number {
  return (
    time.getUTCHours() * 3600 +
    time.getUTCMinutes() * 60 +
    time.getUTCSeconds() +
    time.getUTCMilliseconds() / 1000
  );
}

/** Seconds after midnight UTC of a time such as `16:30:00Z` or `00:30:00+08:00`. */
function secondsOfDayUtc(value: string): number {
  const parts =
    /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!parts) {
    return 0;
  }
  const [, hours, minutes, seconds, zone, sign, offsetHours, offsetMinutes] =
    parts;
  const local = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  const offset =
    zone === 'Z'
      ? 0
      : (sign === '-' ? -1 : 1) *
        (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  return (local - offset + 86400) % 86400;
}

function toModelPrices(prices: ModelPrice): ModelPrices {
  const result: ModelPrices = {};
  for (const key of PRICE_KEYS) {
    const value = prices[key];
    if (value !== undefined) {
      result[key] = toTokenPrice(value);
    }
  }
  return result;
}

function toTokenPrice(
  value: number | { base: number; tiers: { start: number; price: number }[] },
): TokenPrice {
  if (typeof value === 'number') {
    return value;
  }
  const tiers = [...value.tiers].sort((a, b) => a.start - b.start);
  return { base: value.base, tiers };
}

function hasTokenPrices(prices: ModelPrices): boolean {
  return prices.input_mtok !== undefined || prices.output_mtok !== undefined;
}

let version: string | undefined;

/** The version of the bundled genai-prices package, read once. */
export function catalogVersion(): string {
  if (version === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const entry = require.resolve('@pydantic/genai-prices');
      const manifest = JSON.parse(
        readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'),
      ) as { version?: string };
      version = manifest.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
