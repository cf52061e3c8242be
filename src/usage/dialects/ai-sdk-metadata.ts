import { logger } from '../../internal/diag.js';
import { ATTR_AI_RESPONSE_PROVIDER_METADATA } from '../../semconv.js';
import type { AttributeMap } from '../types.js';
import { invalid, type InvalidUsage } from './dialect.js';

/** Counts found in the provider metadata of an AI SDK span. */
export interface MetadataCounts {
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

// Paths into the provider metadata to the counts that the usage
// attributes of `ai` 4 and 5 lack, checked with @ai-sdk/openai 1.3.24 and
// 2.0.131 and @ai-sdk/anthropic 1.2.12 and 2.0.112.
const PATHS: Readonly<Record<keyof MetadataCounts, readonly string[][]>> = {
  cacheRead: [
    ['openai', 'cachedPromptTokens'],
    ['anthropic', 'cacheReadInputTokens'],
    ['anthropic', 'usage', 'cache_read_input_tokens'],
  ],
  cacheWrite: [
    ['anthropic', 'cacheCreationInputTokens'],
    ['anthropic', 'usage', 'cache_creation_input_tokens'],
  ],
  reasoning: [['openai', 'reasoningTokens']],
};

/**
 * Reads the cache and reasoning counts from `ai.response.providerMetadata`,
 * a JSON string. Metadata that is absent or not valid JSON yields no
 * counts, because the attribute may have been cut at the span's attribute
 * length limit. A count that is present but not a finite non-negative
 * number makes the usage invalid.
 */
export function readMetadataCounts(
  attributes: AttributeMap,
): MetadataCounts | InvalidUsage {
  const text = attributes[ATTR_AI_RESPONSE_PROVIDER_METADATA];
  if (typeof text !== 'string') {
    return {};
  }

  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    logger.debug(
      `${ATTR_AI_RESPONSE_PROVIDER_METADATA} is not valid JSON, so the ` +
        'usage is read without it.',
    );
    return {};
  }

  const counts: MetadataCounts = {};
  for (const key of Object.keys(PATHS) as (keyof MetadataCounts)[]) {
    for (const path of PATHS[key]) {
      const value = valueAt(metadata, path);
      if (value === undefined || value === null) {
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        return invalid(
          `${ATTR_AI_RESPONSE_PROVIDER_METADATA}.${path.join('.')}`,
          `expected a finite non-negative number, got ${JSON.stringify(value)}`,
        );
      }
      counts[key] = value;
      break;
    }
  }
  return counts;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
