import { logger } from '../../internal/diag.js';
import {
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
} from '../../semconv.js';
import type { AttributeMap, NormalizedUsage } from '../types.js';
import {
  isInvalid,
  readTokenCount,
  type InvalidUsage,
  type UsageDialect,
} from './dialect.js';

/**
 * The GenAI semantic conventions, v1.41 names with the deprecated
 * `prompt_tokens` / `completion_tokens` and the newer `cache_write`
 * spelling: what tokenmeter's own instrumentation, the Anthropic SDK's
 * built-in tracing and most current instrumentations write.
 */
export const semconvDialect: UsageDialect = {
  name: 'semconv',

  matches(attributes) {
    return (
      attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] !== undefined ||
      attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] !== undefined ||
      attributes[ATTR_GEN_AI_USAGE_PROMPT_TOKENS] !== undefined ||
      attributes[ATTR_GEN_AI_USAGE_COMPLETION_TOKENS] !== undefined
    );
  },

  readUsage(attributes) {
    const counts = readCounts(attributes);
    if (isInvalid(counts)) {
      return counts;
    }
    return reconcile(counts, attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]);
  },
};

type Counts = Record<
  'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'reasoning',
  number | undefined
>;

const NAMES: Record<keyof Counts, readonly string[]> = {
  input: [ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_PROMPT_TOKENS],
  output: [
    ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
    ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ],
  cacheRead: [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
  cacheWrite: [
    ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ],
  reasoning: [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
};

function readCounts(attributes: AttributeMap): Counts | InvalidUsage {
  const counts = {} as Counts;
  for (const key of Object.keys(NAMES) as (keyof Counts)[]) {
    const value = readFirst(attributes, NAMES[key]);
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

/**
 * Applies the conventions' containment rules. Input must include cache
 * reads and writes, and output must include reasoning. An instrumentation
 * that reports the provider's own counts instead (Anthropic's uncached
 * input, Gemini's candidates without thoughts) shows it when a part
 * exceeds its whole, and then the parts are added to the whole.
 *
 * NOTE: when every part is smaller than its whole, the two readings cannot
 * be told apart, and the conventions' reading is taken.
 */
function reconcile(counts: Counts, estimated: unknown): NormalizedUsage {
  const cacheRead = counts.cacheRead ?? 0;
  const cacheWrite = counts.cacheWrite ?? 0;
  const reasoning = counts.reasoning ?? 0;
  let input = counts.input ?? 0;
  let output = counts.output ?? 0;

  if (cacheRead + cacheWrite > input) {
    logger.debug('Input tokens exclude cached tokens; adding them.');
    input += cacheRead + cacheWrite;
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
    estimated: estimated === true,
  };
}
