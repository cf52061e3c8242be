import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type {
  ConditionalPrice,
  ModelInfo,
  ModelPrice,
} from '@pydantic/genai-prices';

import { describeError, logger, warnOnce } from '../internal/diag.js';
import { findCorrection, type PriceCorrection } from './corrections.js';
import { PRICE_KEYS } from './cost.js';
import { findCatalogEntry, type CatalogEntry } from './model-match.js';
import { modelNameCandidates } from './model-names.js';
import {
  catalogProviderId,
  findCatalogProvider,
  isRouter,
} from './providers.js';
import { ratesForTier, type TierRates } from './service-tiers.js';
import type { ModelPrices, PriceOverride, TokenPrice } from './types.js';

/** The prices found for one provider and model. */
export interface PriceMatch {
  /** The catalog provider id, or the override's provider. */
  providerId: string;
  /** The catalog model id, or the override's model name. */
  modelId: string;
  /**
   * `genai-prices@<version>` for catalog prices, with `+corrections` when
   * tokenmeter's corrections changed them, or `override`.
   */
  source: string;
  /**
   * The standard prices in force at a time, in milliseconds since the
   * epoch; most models have one set for all times.
   */
  pricesAt(timeMs: number): ModelPrices;
  /**
   * The prices in force at a time for a call in a service tier, such as
   * `flex` or `batch`, as the provider reported it. A tier without known
   * rates gets the standard prices and a warning, logged once.
   */
  ratesFor(timeMs: number, serviceTier: string | undefined): TierRates;
}

/** The reason no price was found. */
export type NoPriceReason =
  'unknown_model' | 'unknown_provider' | 'no_token_prices';

export type PriceLookup =
  { found: true; match: PriceMatch } | { found: false; reason: NoPriceReason };

// Model names seen in spans are bounded in practice, but they come from
// outside, so the cache is capped.
const MAX_CACHED_LOOKUPS = 2048;

/**
 * Finds model prices: first in the user's overrides, in their order, then
 * in the genai-prices catalog bundled with the package (its remote update
 * is never turned on, so no network call is made), with tokenmeter's
 * corrections to it applied. Each provider and model is looked up once and
 * the result cached.
 *
 * Model names are matched as spans report them: dated snapshots, Bedrock
 * ids with a region and version, Vertex `@version` names, `vendor/model`
 * names and context markers such as `[1m]` find their catalog entry, and
 * the most specific catalog rule wins. A name that matches nothing is not
 * priced, never priced at zero.
 */
export class PriceCatalog {
  private readonly overrides: readonly PriceOverride[];
  private readonly catalogSource: string;

  // Lookups by provider, then model: two map reads cost less than
  // building one key string per span.
  private readonly cache = new Map<string, Map<string, PriceLookup>>();
  private cachedLookups = 0;

  constructor(overrides: readonly PriceOverride[] = []) {
    this.overrides = overrides;
    this.catalogSource = `genai-prices@${catalogVersion()}`;
  }

  /** Looks up the prices of a model, as named by a provider. */
  lookup(provider: string | undefined, model: string): PriceLookup {
    const providerKey = provider ?? '';
    let result = this.cache.get(providerKey)?.get(model);
    if (result === undefined) {
      result =
        this.findOverride(provider, model) ??
        this.findInCatalog(provider, model);
      this.remember(providerKey, model, result);
    }
    return result;
  }

  /** Caches a lookup, starting over once the cache is full. */
  private remember(provider: string, model: string, result: PriceLookup): void {
    if (this.cachedLookups >= MAX_CACHED_LOOKUPS) {
      this.cache.clear();
      this.cachedLookups = 0;
    }
    let byModel = this.cache.get(provider);
    if (byModel === undefined) {
      byModel = new Map();
      this.cache.set(provider, byModel);
    }
    byModel.set(model, result);
    this.cachedLookups += 1;
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
    const match = priceMatch({
      providerId: override.provider ?? catalogProviderId(provider) ?? 'unknown',
      modelId: override.model,
      source: 'override',
      pricesAt: () => prices,
    });
    return { found: true, match };
  }

  private findInCatalog(
    provider: string | undefined,
    model: string,
  ): PriceLookup {
    const catalogProvider =
      provider === undefined ? undefined : findCatalogProvider(provider);
    if (provider !== undefined && catalogProvider === undefined) {
      return { found: false, reason: 'unknown_provider' };
    }

    let entry: CatalogEntry | undefined;
    try {
      entry = findCatalogEntry(model, {
        provider: catalogProvider,
        vendorFallback: catalogProvider ? isRouter(catalogProvider) : true,
      });
    } catch (error) {
      logger.error(`Price lookup failed for ${model}: ${describeError(error)}`);
      return { found: false, reason: 'unknown_model' };
    }
    if (!entry) {
      return { found: false, reason: 'unknown_model' };
    }

    const correction = findCorrection(entry.listedBy.id, entry.model.id);
    const pricesAt = pricesOverTime(entry.model, correction);
    if (!hasTokenPrices(pricesAt(Date.now()))) {
      return { found: false, reason: 'no_token_prices' };
    }
    const match = priceMatch({
      providerId: entry.provider.id,
      modelId: entry.model.id,
      source: correction
        ? `${this.catalogSource}+corrections`
        : this.catalogSource,
      pricesAt,
    });
    return { found: true, match };
  }
}

function priceMatch(fields: Omit<PriceMatch, 'ratesFor'>): PriceMatch {
  return {
    ...fields,
    ratesFor(timeMs, serviceTier) {
      const rates = ratesForTier({
        providerId: fields.providerId,
        modelId: fields.modelId,
        prices: fields.pricesAt(timeMs),
        tier: serviceTier,
      });
      if (rates.unknownTier && serviceTier !== undefined) {
        warnUnknownTier(fields, serviceTier);
      }
      return rates;
    },
  };
}

function warnUnknownTier(
  match: Pick<PriceMatch, 'providerId' | 'modelId'>,
  tier: string,
): void {
  const model = `${match.providerId}/${match.modelId}`;
  warnOnce(
    `service-tier:${model}:${tier}`,
    `No rates of the "${tier}" service tier are known for ${model}, so ` +
      'its calls in that tier are priced at standard rates, which ' +
      'undercounts them if the tier costs more. Later calls are not ' +
      'logged.',
  );
}

function providerMatches(
  entry: PriceOverride,
  provider: string | undefined,
): boolean {
  // Without a provider to compare, the model name alone decides.
  if (entry.provider === undefined || provider === undefined) {
    return true;
  }
  const expected = entry.provider.toLowerCase();
  return (
    expected === provider.toLowerCase() ||
    expected === catalogProviderId(provider)
  );
}

// A release date at the end of a model name: `-2024-07-18` or `-20250219`.
const RELEASE_DATE = /-20\d{2}-?\d{2}-?\d{2}$/;

/**
 * Tells whether an override's model name covers a model as a span names
 * it: the name as reported, the spellings without the decorations of
 * gateways and clouds, or any of these without a release date, so that
 * `gpt-4o-mini` covers `gpt-4o-mini-2024-07-18`. A trailing `*` in the
 * override matches a prefix.
 */
function modelMatches(pattern: string, model: string): boolean {
  const expected = pattern.toLowerCase();
  const names = modelNameCandidates(model).flatMap(({ name }) => [
    name,
    name.replace(RELEASE_DATE, ''),
  ]);
  return expected.endsWith('*')
    ? names.some((name) => name.startsWith(expected.slice(0, -1)))
    : names.includes(expected);
}

/**
 * Turns a catalog model's prices into a function of time, with a
 * correction's fields replacing the catalog's in every period. Some models
 * change price on a date or by time of day (off-peak discounts). The entry
 * in force is the last one whose constraint holds, as in genai-prices.
 */
function pricesOverTime(
  model: ModelInfo,
  correction: PriceCorrection | undefined,
): (timeMs: number) => ModelPrices {
  const corrected = (prices: ModelPrice): ModelPrices => ({
    ...toModelPrices(prices),
    ...correction?.prices,
  });
  if (!Array.isArray(model.prices)) {
    const fixed = corrected(model.prices);
    return () => fixed;
  }

  const entries = model.prices.map((entry) => ({
    constraint: entry.constraint,
    prices: corrected(entry.prices),
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
