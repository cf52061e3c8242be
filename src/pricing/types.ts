/**
 * A price in USD per million tokens: one rate, or a base rate with tiers
 * that apply once the request's whole prompt, cached tokens included, is
 * above a tier's `start`.
 */
export type TokenPrice = number | TieredTokenPrice;

export interface TieredTokenPrice {
  /** The rate below the first tier. */
  base: number;
  /** Tiers by prompt size in tokens; the highest one exceeded applies. */
  tiers: { start: number; price: number }[];
}

/**
 * The prices of one model, with the field names of the genai-prices
 * catalog. Each `_mtok` price is in USD per million tokens. A missing
 * cache, reasoning, audio or image price falls back to the input or output
 * price.
 */
export interface ModelPrices {
  /** Input tokens that were neither read from nor written to a cache. */
  input_mtok?: TokenPrice;
  /** Output tokens, reasoning included unless priced on its own. */
  output_mtok?: TokenPrice;
  /** Input tokens read from the provider's prompt cache. */
  cache_read_mtok?: TokenPrice;
  /** Input tokens written to the provider's prompt cache. */
  cache_write_mtok?: TokenPrice;
  /** Cache writes kept for an hour, where priced apart (Anthropic). */
  cache_write_1h_mtok?: TokenPrice;
  /** Reasoning tokens, where the provider prices them apart from output. */
  output_reasoning_mtok?: TokenPrice;
  /** Audio input tokens; without it they are priced as input tokens. */
  input_audio_mtok?: TokenPrice;
  /** Audio output tokens; without it they are priced as output tokens. */
  output_audio_mtok?: TokenPrice;
  /** Image input tokens; without it they are priced as input tokens. */
  input_image_mtok?: TokenPrice;
  /** Image output tokens; without it they are priced as output tokens. */
  output_image_mtok?: TokenPrice;
  /** Web searches, in USD per thousand searches. */
  web_searches_kcount?: TokenPrice;
  /** A fee per request, in USD per thousand requests, as Perplexity's. */
  requests_kcount?: TokenPrice;
}

/** A price entry that takes precedence over the bundled catalog. */
export interface PriceOverride {
  /**
   * The provider the entry applies to, as a catalog id (`openai`) or a
   * `gen_ai.provider.name` value (`azure.ai.openai`). Default: any provider.
   */
  provider?: string;
  /**
   * The model name, matched without regard to case. A trailing `*` matches
   * any name with that prefix, such as `ft:gpt-4o-mini:acme:*`.
   */
  model: string;
  prices: ModelPrices;
}
