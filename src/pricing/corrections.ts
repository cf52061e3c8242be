import type { ModelPrices } from './types.js';

/**
 * A fix to a model's prices in the bundled genai-prices catalog: the
 * listed fields replace the catalog's in every period of the model's
 * prices. User overrides still take precedence.
 */
export interface PriceCorrection {
  /** The catalog provider id, such as `anthropic`. */
  providerId: string;
  /** The catalog model id, such as `claude-sonnet-4-0`. */
  modelId: string;
  prices: ModelPrices;
}

/**
 * tokenmeter's corrections to the catalog, checked against the providers'
 * pages. Each entry names its source and the date it was read; remove an
 * entry once the bundled catalog agrees with it.
 */
export const PRICE_CORRECTIONS: readonly PriceCorrection[] = [
  // Claude Sonnet 4 with the 1M-token context window: a request whose
  // input is above 200K tokens pays $6 input and $22.50 output per million
  // instead of $3 and $15, for every token of the request. Cache writes
  // (1.25x input, 2x for one-hour writes) and cache reads (0.1x input)
  // follow the input rate.
  // genai-prices 0.1.8 has this tier for Sonnet 4.5 but not for Sonnet 4.
  // Source: https://docs.anthropic.com/en/docs/about-claude/pricing, long
  // context pricing table, read 2026-12-04.
  {
    providerId: 'anthropic',
    modelId: 'claude-sonnet-4-0',
    prices: {
      input_mtok: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
      cache_write_mtok: { base: 3.75, tiers: [{ start: 200_000, price: 7.5 }] },
      cache_write_1h_mtok: { base: 6, tiers: [{ start: 200_000, price: 12 }] },
      cache_read_mtok: { base: 0.3, tiers: [{ start: 200_000, price: 0.6 }] },
      output_mtok: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
    },
  },
  // GPT-4o Audio: audio tokens cost $40 input and $80 output per million,
  // text tokens $2.50 and $10. genai-prices 0.1.8 has only the text rates,
  // so audio tokens were priced as text.
  // Source: https://developers.openai.com/api/docs/models/gpt-4o-audio-preview,
  // read 2026-12-04.
  {
    providerId: 'openai',
    modelId: 'gpt-4o-audio-preview',
    prices: { input_audio_mtok: 40, output_audio_mtok: 80 },
  },
  // GPT-4o mini Audio: audio tokens cost $10 input and $20 output per
  // million, text tokens $0.15 and $0.60.
  // Source: https://developers.openai.com/api/docs/models/gpt-4o-mini-audio-preview,
  // read 2026-12-04.
  {
    providerId: 'openai',
    modelId: 'gpt-4o-mini-audio-preview',
    prices: { input_audio_mtok: 10, output_audio_mtok: 20 },
  },
];

/** Finds the correction of a catalog model, if any. */
export function findCorrection(
  providerId: string,
  modelId: string,
): PriceCorrection | undefined {
  return PRICE_CORRECTIONS.find(
    (correction) =>
      correction.providerId === providerId && correction.modelId === modelId,
  );
}
