import { logger } from '../../internal/diag.js';
import type { AttributeMap, NormalizedUsage } from '../types.js';
import { isInvalid, readTokenCount, type InvalidUsage } from './dialect.js';

/** Token counts as a span reported them; undefined where absent. */
export type TokenCounts = Record<
  'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'reasoning',
  number | undefined
>;

/** For each count, the attribute names that may carry it, in order. */
export type CountNames = Readonly<Record<keyof TokenCounts, readonly string[]>>;

/**
 * Reads each count from the first of its names that is present, or
 * returns the first invalid value found.
 */
export function readCounts(
  attributes: AttributeMap,
  names: CountNames,
): TokenCounts | InvalidUsage {
  const counts = {} as TokenCounts;
  for (const key of Object.keys(names) as (keyof TokenCounts)[]) {
    const value = readFirst(attributes, names[key]);
    if (isInvalid(value)) {
      return value;
    }
    counts[key] = value;
  }
  return counts;
}

function readFirst(
  attributes: AttributeMap,
  names: readonly string[],
): number | undefined | InvalidUsage {
  for (const name of names) {
    const value = readTokenCount(attributes, name);
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** What a family's input and output counts contain, where it is known. */
export interface CountMeaning {
  /**
   * True when the input count leaves out cache reads and writes (as
   * Anthropic reports it), false when it includes them, undefined when the
   * family does not say.
   */
  inputExcludesCache?: boolean;
  estimated?: boolean;
}

/**
 * Converts counts to the conventions' meaning: input includes cache reads
 * and writes, and output includes reasoning. Where the family does not say
 * what its counts contain, a part that exceeds its whole shows that the
 * provider's own counts were reported, and the parts are added to the
 * whole.
 *
 * NOTE: when every part is smaller than its whole and the family does not
 * say, the two readings cannot be told apart, and the conventions' reading
 * is taken.
 */
export function toNormalizedUsage(
  counts: TokenCounts,
  meaning: CountMeaning = {},
): NormalizedUsage {
  const cacheRead = counts.cacheRead ?? 0;
  const cacheWrite = counts.cacheWrite ?? 0;
  const reasoning = counts.reasoning ?? 0;
  let input = counts.input ?? 0;
  let output = counts.output ?? 0;

  const cached = cacheRead + cacheWrite;
  if (
    meaning.inputExcludesCache === true ||
    (meaning.inputExcludesCache === undefined && cached > input)
  ) {
    logger.debug('Input tokens exclude cached tokens; adding them.');
    input += cached;
  }
  if (reasoning > output) {
    logger.debug('Output tokens exclude reasoning tokens; adding them.');
    output += reasoning;
  }

  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
    estimated: meaning.estimated === true,
  };
}
