import { isRecord } from '../common/attributes.js';
import { readField, readHeaderCount, type UncachedCounts } from './counts.js';

/**
 * Reads the `usage` (`TokenUsage`) of a Converse response or of the
 * `metadata` event that ends a ConverseStream. Bedrock's `inputTokens`
 * excludes `cacheReadInputTokens` and `cacheWriteInputTokens`: the AWS
 * prompt caching guide gives the total input as their sum.
 */
export function readConverseUsage(usage: unknown): UncachedCounts | undefined {
  if (!isRecord(usage)) {
    return undefined;
  }
  return {
    input: readField(usage.inputTokens),
    cacheRead: readField(usage.cacheReadInputTokens),
    cacheWrite: readField(usage.cacheWriteInputTokens),
    output: readField(usage.outputTokens),
  };
}

/** The key of the metrics Bedrock adds to the last chunk of a stream. */
export const INVOCATION_METRICS_KEY = 'amazon-bedrock-invocationMetrics';

/**
 * Reads the `amazon-bedrock-invocationMetrics` object that Bedrock adds to
 * the last chunk of every InvokeModelWithResponseStream response, whatever
 * the model: `inputTokenCount` excludes the cache counts, as in Converse.
 */
export function readInvocationMetrics(
  metrics: unknown,
): UncachedCounts | undefined {
  if (!isRecord(metrics)) {
    return undefined;
  }
  return {
    input: readField(metrics.inputTokenCount),
    cacheRead: readField(metrics.cacheReadInputTokenCount),
    cacheWrite: readField(metrics.cacheWriteInputTokenCount),
    output: readField(metrics.outputTokenCount),
  };
}

// Response headers of InvokeModel that carry the call's token counts.
const HEADER_INPUT = 'x-amzn-bedrock-input-token-count';
const HEADER_OUTPUT = 'x-amzn-bedrock-output-token-count';
const HEADER_CACHE_READ = 'x-amzn-bedrock-cache-read-input-token-count';
const HEADER_CACHE_WRITE = 'x-amzn-bedrock-cache-write-input-token-count';

/**
 * Reads the token count headers of an InvokeModel response. The input
 * count excludes the cache counts, which have headers of their own. Header
 * names are matched in any case.
 */
export function readTokenHeaders(
  headers: Record<string, unknown> | undefined,
): UncachedCounts | undefined {
  if (!headers) {
    return undefined;
  }

  const byName = new Map<string, unknown>();
  for (const [name, value] of Object.entries(headers)) {
    byName.set(name.toLowerCase(), value);
  }
  return {
    input: readHeaderCount(byName.get(HEADER_INPUT)),
    cacheRead: readHeaderCount(byName.get(HEADER_CACHE_READ)),
    cacheWrite: readHeaderCount(byName.get(HEADER_CACHE_WRITE)),
    output: readHeaderCount(byName.get(HEADER_OUTPUT)),
  };
}
