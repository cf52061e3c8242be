import {
  lengthMeasure,
  measurePrompt,
  type Measure,
} from '../breakdown/measure.js';
import {
  encodingForModel,
  loadedTokenCounter,
  loadTokenCounter,
} from '../tokenizer/index.js';
import type { InputEstimate } from './check.js';

/**
 * Characters per token of English prose in OpenAI's encodings, the basis
 * of the size-based estimate. Code and non-Latin scripts have fewer
 * characters per token, so their estimate is low.
 */
const CHARACTERS_PER_TOKEN = 4;
/** Tokens a chat format adds around each message (OpenAI's count). */
const TOKENS_PER_MESSAGE = 3;
/**
 * How far the size-based estimate may be from a limit before the prompt
 * is counted exactly: between half and twice the limit.
 */
const EXACT_BELOW = 0.5;
const EXACT_ABOVE = 2;

/**
 * Estimates the input tokens of a request before it is sent. The estimate
 * comes from the prompt's size alone, which needs one walk over the request
 * and no tokenizing. Only an estimate near the limit is replaced by a count
 * with the model family's tokenizer, if that is loaded; otherwise its
 * loading starts then, for the next call.
 */
export function estimateInputTokens(
  params: unknown,
  model: string | undefined,
  limit?: number,
): InputEstimate {
  const overhead = TOKENS_PER_MESSAGE * messageCount(params);
  const characters = total(measurePrompt(params, lengthMeasure()));
  const estimate = Math.ceil(characters / CHARACTERS_PER_TOKEN) + overhead;
  if (
    limit === undefined ||
    estimate < EXACT_BELOW * limit ||
    estimate > EXACT_ABOVE * limit
  ) {
    return { tokens: estimate, estimated: true };
  }

  const choice = encodingForModel(model);
  const counter = loadedTokenCounter(choice.encoding);
  if (!counter) {
    void loadTokenCounter(choice.encoding);
    return { tokens: estimate, estimated: true };
  }
  const exact: Measure = {
    size: (text) => counter.count(text),
    contextTexts: [],
  };
  return {
    tokens: total(measurePrompt(params, exact)) + overhead,
    estimated: choice.approximate,
  };
}

function total(segments: { size: number }[]): number {
  return segments.reduce((sum, segment) => sum + segment.size, 0);
}

function messageCount(params: unknown): number {
  const request = params as { messages?: unknown; input?: unknown } | null;
  const messages = request?.messages ?? request?.input;
  return Array.isArray(messages) ? messages.length : 1;
}
