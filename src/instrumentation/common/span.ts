import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';

import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD,
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
  /** Set when the counts were estimated with a tokenizer. */
  estimateMethod?: string;
}

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

  if (usage.estimateMethod !== undefined) {
    attributes[ATTR_TOKENMETER_USAGE_ESTIMATED] = true;
    attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD] = usage.estimateMethod;
  }
  span.setAttributes(attributes);
}

function putCount(
  attributes: Attributes,
  name: string,
  value: number | undefined,
): void {
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
