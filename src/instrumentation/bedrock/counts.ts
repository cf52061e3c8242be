import { readCount, type CallUsage } from '../common/span.js';

/** A count as reported: a valid number, `invalid`, or absent. */
export type Count = number | 'invalid' | undefined;

/**
 * Token counts the way Bedrock reports them in every form it has (the
 * Converse `usage`, the `x-amzn-bedrock-*-token-count` headers and the
 * `amazon-bedrock-invocationMetrics` of a stream), and the way Anthropic's
 * Messages format does: `input` excludes the cache reads and writes.
 */
export interface UncachedCounts {
  input?: Count;
  cacheRead?: Count;
  cacheWrite?: Count;
  output?: Count;
}

/** Reads a JSON count. */
export function readField(value: unknown): Count {
  if (value === undefined || value === null) {
    return undefined;
  }
  return readCount(value) ?? 'invalid';
}

/** Reads a count sent as an HTTP header value, such as `"324"`. */
export function readHeaderCount(value: unknown): Count {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) {
    return 'invalid';
  }
  return Number(value.trim());
}

/** Tells whether any count was reported at all, valid or not. */
export function hasCounts(counts: UncachedCounts | undefined): boolean {
  return (
    counts !== undefined &&
    Object.values(counts).some((count) => count !== undefined)
  );
}

/** Tells whether any count was invalid, for a diagnostic. */
export function hasInvalidCount(counts: UncachedCounts): boolean {
  return Object.values(counts).includes('invalid');
}

/**
 * Combines an earlier report with a later one, whose counts replace the
 * earlier ones: streams report running totals, not increments.
 */
export function mergeCounts(
  earlier: UncachedCounts | undefined,
  later: UncachedCounts,
): UncachedCounts {
  const merged: UncachedCounts = { ...earlier };
  for (const key of Object.keys(later) as (keyof UncachedCounts)[]) {
    if (later[key] !== undefined) {
      merged[key] = later[key];
    }
  }
  return merged;
}

/**
 * Converts counts to the GenAI conventions, whose input count includes
 * cache reads and writes. The input count is left out when it, or a cache
 * count that was sent, is invalid, since the sum would be wrong.
 */
export function toCallUsage(counts: UncachedCounts): CallUsage {
  const { input, cacheRead = 0, cacheWrite = 0 } = counts;
  const inputValid =
    typeof input === 'number' &&
    cacheRead !== 'invalid' &&
    cacheWrite !== 'invalid';
  return {
    inputTokens: inputValid ? input + cacheRead + cacheWrite : undefined,
    outputTokens: valid(counts.output),
    cacheReadTokens: valid(counts.cacheRead),
    cacheWriteTokens: valid(counts.cacheWrite),
  };
}

function valid(count: Count): number | undefined {
  return count === 'invalid' ? undefined : count;
}
