import type { NormalizedUsage } from '../usage/types.js';
import type { ModelPrices, TokenPrice } from './types.js';

/** The cost of one model call by token type, in USD. */
export interface CostBreakdown {
  /**
   * Input tokens that were neither cache reads nor cache writes, nor audio
   * or images priced at their own rate.
   */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /**
   * Output tokens other than reasoning tokens and audio or images priced at
   * their own rate.
   */
  output: number;
  reasoning: number;
  inputAudio: number;
  outputAudio: number;
  inputImage: number;
  outputImage: number;
  /** The per-search fee of the web searches the provider ran. */
  webSearch: number;
  /** The per-request fee of the models that charge one. */
  request: number;
  total: number;
}

/** The price fields tokenmeter reads, with the genai-prices catalog's names. */
export const PRICE_KEYS: readonly (keyof ModelPrices)[] = [
  'input_mtok',
  'output_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'cache_write_1h_mtok',
  'output_reasoning_mtok',
  'input_audio_mtok',
  'output_audio_mtok',
  'input_image_mtok',
  'output_image_mtok',
  'web_searches_kcount',
  'requests_kcount',
];

const PER_MILLION = 1_000_000;
const PER_THOUSAND = 1_000;

/**
 * Prices a call's usage. Each token kind is priced at its own rate, and a
 * tiered rate is taken from the tier that the whole prompt (cached tokens
 * included) falls in, for every kind of token in the request. Audio and
 * image tokens are priced apart only when the model has a rate for them;
 * otherwise they stay in the input or output count. This is the arithmetic
 * of the genai-prices catalog, kept here so that the cost can be reported
 * by token type.
 */
export function computeCost(
  usage: NormalizedUsage,
  prices: ModelPrices,
): CostBreakdown {
  const rate = (price: TokenPrice | undefined): number =>
    rateAt(price, usage.inputTokens);
  const inputRate = rate(prices.input_mtok);
  const outputRate = rate(prices.output_mtok);
  const parts = splitTokens(usage, prices);

  const cost = {
    input: perMillion(parts.input, inputRate),
    cacheRead: perMillion(
      usage.cacheReadTokens,
      rateOr(prices.cache_read_mtok, inputRate, rate),
    ),
    cacheWrite: cacheWriteCost(usage, prices, inputRate, rate),
    output: perMillion(parts.output, outputRate),
    reasoning: perMillion(
      usage.reasoningTokens,
      rateOr(prices.output_reasoning_mtok, outputRate, rate),
    ),
    inputAudio: perMillion(parts.inputAudio, rate(prices.input_audio_mtok)),
    outputAudio: perMillion(parts.outputAudio, rate(prices.output_audio_mtok)),
    inputImage: perMillion(parts.inputImage, rate(prices.input_image_mtok)),
    outputImage: perMillion(parts.outputImage, rate(prices.output_image_mtok)),
    webSearch: perThousand(
      usage.webSearchCalls ?? 0,
      rate(prices.web_searches_kcount),
    ),
    // Each call is one request.
    request: perThousand(1, rate(prices.requests_kcount)),
  };
  return { ...cost, total: sum(Object.values(cost)) };
}

/** Token counts, each priced at one rate. */
interface TokenParts {
  input: number;
  output: number;
  inputAudio: number;
  outputAudio: number;
  inputImage: number;
  outputImage: number;
}

/**
 * Splits the input and output counts into the parts priced at their own
 * rate. Audio and image tokens of a model without an audio or image rate
 * stay in the input or output part, as in genai-prices.
 */
function splitTokens(usage: NormalizedUsage, prices: ModelPrices): TokenParts {
  const own = (count: number | undefined, price: TokenPrice | undefined) =>
    price === undefined ? 0 : (count ?? 0);
  const inputAudio = own(usage.inputAudioTokens, prices.input_audio_mtok);
  const inputImage = own(usage.inputImageTokens, prices.input_image_mtok);
  const outputAudio = own(usage.outputAudioTokens, prices.output_audio_mtok);
  const outputImage = own(usage.outputImageTokens, prices.output_image_mtok);

  const input =
    usage.inputTokens -
    usage.cacheReadTokens -
    usage.cacheWriteTokens -
    inputAudio -
    inputImage;
  const output =
    usage.outputTokens - usage.reasoningTokens - outputAudio - outputImage;
  return {
    input: Math.max(0, input),
    output: Math.max(0, output),
    inputAudio,
    outputAudio,
    inputImage,
    outputImage,
  };
}

/**
 * Prices cache writes: one-hour writes at their own rate where the model
 * has one, the rest at the cache write rate, else the input rate.
 */
function cacheWriteCost(
  usage: NormalizedUsage,
  prices: ModelPrices,
  inputRate: number,
  rate: (price: TokenPrice | undefined) => number,
): number {
  const writeRate = rateOr(prices.cache_write_mtok, inputRate, rate);
  const hourTokens =
    prices.cache_write_1h_mtok === undefined
      ? 0
      : Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  return (
    perMillion(usage.cacheWriteTokens - hourTokens, writeRate) +
    perMillion(hourTokens, rate(prices.cache_write_1h_mtok))
  );
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

function rateOr(
  price: TokenPrice | undefined,
  fallback: number,
  rate: (price: TokenPrice | undefined) => number,
): number {
  return price === undefined ? fallback : rate(price);
}

function perMillion(tokens: number, rate: number): number {
  return tokens === 0 ? 0 : (tokens * rate) / PER_MILLION;
}

function perThousand(count: number, rate: number): number {
  return count === 0 ? 0 : (count * rate) / PER_THOUSAND;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
