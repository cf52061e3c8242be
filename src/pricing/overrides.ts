import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';

import { PRICE_KEYS } from './cost.js';
import type {
  ModelPrices,
  PriceOverride,
  TieredTokenPrice,
  TokenPrice,
} from './types.js';

/** Raised at start-up for a price file or price option that is not valid. */
export class PriceConfigError extends Error {
  override readonly name = 'PriceConfigError';

  constructor(
    /** The file, or `options.prices` for prices given in code. */
    readonly source: string,
    /** The path of the offending field, such as `models[2].prices`. */
    readonly field: string,
    problem: string,
    fix: string,
  ) {
    super(`Invalid price config in ${source}: ${field} ${problem}. ${fix}`);
  }
}

const FILE_EXAMPLE =
  'Each entry looks like: { provider: openai, model: gpt-4o, prices: ' +
  '{ input_mtok: 2.5, output_mtok: 10 } }, prices in USD per million tokens.';

/**
 * Reads a YAML or JSON price file with a top-level `models` list of
 * overrides, and checks every field. Throws `PriceConfigError` naming the
 * file, the field and the fix.
 */
export function loadPriceFile(path: string): PriceOverride[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PriceConfigError(
      path,
      'the file',
      `cannot be read (${reason})`,
      'Check the path given in pricesFile or TOKENMETER_PRICES_FILE.',
    );
  }

  let document: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    document = parseYaml(text);
  } catch (error) {
    throw new PriceConfigError(
      path,
      'the file',
      `is not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`,
      'Fix the syntax.',
    );
  }

  if (!isRecord(document) || !Array.isArray(document.models)) {
    throw new PriceConfigError(
      path,
      'models',
      'is missing or not a list',
      `Put the overrides in a top-level "models" list. ${FILE_EXAMPLE}`,
    );
  }
  return validateOverrides(document.models, path, 'models');
}

/** Checks overrides given in code or read from a file. */
export function validateOverrides(
  entries: unknown[],
  source: string,
  path: string,
): PriceOverride[] {
  return entries.map((entry, index) =>
    validateEntry(entry, source, `${path}[${index}]`),
  );
}

function validateEntry(
  entry: unknown,
  source: string,
  path: string,
): PriceOverride {
  if (!isRecord(entry)) {
    throw new PriceConfigError(source, path, 'is not an object', FILE_EXAMPLE);
  }

  const { provider, model, prices } = entry;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new PriceConfigError(
      source,
      `${path}.model`,
      'is missing or not a non-empty string',
      'Give the model name as the provider reports it, such as gpt-4o.',
    );
  }
  if (provider !== undefined && typeof provider !== 'string') {
    throw new PriceConfigError(
      source,
      `${path}.provider`,
      'is not a string',
      'Give a provider such as openai or anthropic, or leave it out.',
    );
  }

  return {
    ...(provider === undefined ? {} : { provider }),
    model: model.trim(),
    prices: validatePrices(prices, source, `${path}.prices`),
  };
}

function validatePrices(
  prices: unknown,
  source: string,
  path: string,
): ModelPrices {
  if (!isRecord(prices)) {
    throw new PriceConfigError(
      source,
      path,
      'is missing or not an object',
      FILE_EXAMPLE,
    );
  }

  const result: ModelPrices = {};
  for (const [key, value] of Object.entries(prices)) {
    if (!PRICE_KEYS.includes(key as keyof ModelPrices)) {
      throw new PriceConfigError(
        source,
        `${path}.${key}`,
        'is not a known price field',
        `Use one of ${PRICE_KEYS.join(', ')}.`,
      );
    }
    result[key as keyof ModelPrices] = validatePrice(
      value,
      source,
      `${path}.${key}`,
    );
  }

  if (result.input_mtok === undefined && result.output_mtok === undefined) {
    throw new PriceConfigError(
      source,
      path,
      'has neither input_mtok nor output_mtok',
      'Give at least the input and output prices in USD per million tokens.',
    );
  }
  return result;
}

function validatePrice(
  value: unknown,
  source: string,
  path: string,
): TokenPrice {
  if (isPrice(value)) {
    return value;
  }
  if (isRecord(value) && isPrice(value.base) && Array.isArray(value.tiers)) {
    return validateTiers(value as unknown as TieredTokenPrice, source, path);
  }
  throw new PriceConfigError(
    source,
    path,
    `must be a non-negative number of ${priceUnit(path)}, got ${JSON.stringify(value)}`,
    'Write a number such as 2.5, or { base: 2.5, tiers: [{ start: 200000, price: 5 }] }.',
  );
}

function validateTiers(
  price: TieredTokenPrice,
  source: string,
  path: string,
): TieredTokenPrice {
  const tiers = price.tiers.map((tier: unknown, index) => {
    const field = `${path}.tiers[${index}]`;
    if (
      !isRecord(tier) ||
      !Number.isSafeInteger(tier.start) ||
      (tier.start as number) < 0 ||
      !isPrice(tier.price)
    ) {
      throw new PriceConfigError(
        source,
        field,
        'must have a whole-number start (prompt tokens) and a non-negative price',
        'Write it as { start: 200000, price: 5 }.',
      );
    }
    return { start: tier.start as number, price: tier.price };
  });
  return { base: price.base, tiers: tiers.sort((a, b) => a.start - b.start) };
}

/** Returns the unit of a price field, which the end of its path names. */
function priceUnit(path: string): string {
  return path.endsWith('_kcount')
    ? 'USD per thousand'
    : 'USD per million tokens';
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
