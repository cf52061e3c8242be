import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';

import {
  ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER,
  ATTR_ANTHROPIC_USAGE_CACHE_CREATION_EPHEMERAL_1H_INPUT_TOKENS,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_AUDIO_INPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_AUDIO_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD,
  ATTR_TOKENMETER_USAGE_IMAGE_INPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_IMAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_WEB_SEARCH_CALLS,
  ERROR_TYPE_VALUE_OTHER,
} from '../../semconv.js';

/**
 * Token counts of one model call, as the GenAI semantic conventions count
 * them: input includes cache reads and writes, output includes reasoning.
 */
export interface CallUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** One-hour cache writes, part of `cacheWriteTokens`. */
  cacheWrite1hTokens?: number;
  /** Audio tokens, part of `inputTokens`. */
  inputAudioTokens?: number;
  /** Audio tokens, part of `outputTokens`. */
  outputAudioTokens?: number;
  /** Image tokens, part of `inputTokens`. */
  inputImageTokens?: number;
  /** Image tokens, part of `outputTokens`. */
  outputImageTokens?: number;
  /** Web searches the provider ran for the call. */
  webSearchCalls?: number;
  /**
   * The service tier Anthropic reports in `usage.service_tier`, written
   * under the name @anthropic-ai/sdk's own tracing uses.
   */
  serviceTier?: string;
  /** Set when the counts were estimated with a tokenizer. */
  estimateMethod?: string;
}

// Counts beyond the conventions' that change the price, by attribute.
const PRICED_COUNTS: readonly (readonly [keyof CallUsage, string])[] = [
  [
    'cacheWrite1hTokens',
    ATTR_ANTHROPIC_USAGE_CACHE_CREATION_EPHEMERAL_1H_INPUT_TOKENS,
  ],
  ['inputAudioTokens', ATTR_TOKENMETER_USAGE_AUDIO_INPUT_TOKENS],
  ['outputAudioTokens', ATTR_TOKENMETER_USAGE_AUDIO_OUTPUT_TOKENS],
  ['inputImageTokens', ATTR_TOKENMETER_USAGE_IMAGE_INPUT_TOKENS],
  ['outputImageTokens', ATTR_TOKENMETER_USAGE_IMAGE_OUTPUT_TOKENS],
  ['webSearchCalls', ATTR_TOKENMETER_USAGE_WEB_SEARCH_CALLS],
];

/** Writes usage attributes, leaving out counts that are not valid numbers. */
export function setUsageAttributes(span: Span, usage: CallUsage): void {
  const attributes: Attributes = {};
  putCount(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
  putCount(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
  putCount(
    attributes,
    ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    usage.cacheReadTokens,
  );
  putCount(
    attributes,
    ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    usage.cacheWriteTokens,
  );
  putCount(
    attributes,
    ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    usage.reasoningTokens,
  );
  // The extra counts are written only when not zero: most calls have no
  // audio, images or web searches, and each attribute costs every span
  // processor and exporter a little.
  for (const [key, name] of PRICED_COUNTS) {
    const value = usage[key];
    if (value !== 0) {
      putCount(attributes, name, value);
    }
  }
  if (typeof usage.serviceTier === 'string' && usage.serviceTier !== '') {
    attributes[ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER] = usage.serviceTier;
  }

  if (usage.estimateMethod !== undefined) {
    attributes[ATTR_TOKENMETER_USAGE_ESTIMATED] = true;
    attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD] = usage.estimateMethod;
  }
  span.setAttributes(attributes);
}

function putCount(attributes: Attributes, name: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    attributes[name] = value;
  }
}

/**
 * Marks a span as failed: `error.type` is the HTTP status of an API error,
 * else the error's class name, as the GenAI conventions ask.
 */
export function recordCallError(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : undefined,
  });
  if (error instanceof Error) {
    span.recordException(error);
  }
}

function errorType(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && Number.isInteger(status)) {
    return String(status);
  }
  if (error instanceof Error && error.constructor.name !== '') {
    return error.constructor.name;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/** Reads a non-negative finite number, or undefined for anything else. */
export function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}
