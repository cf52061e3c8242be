import {
  ATTR_AI_MODEL_ID,
  ATTR_AI_MODEL_PROVIDER,
  ATTR_AI_OPERATION_ID,
  ATTR_AI_RESPONSE_MODEL,
  ATTR_AI_USAGE_CACHED_INPUT_TOKENS,
  ATTR_AI_USAGE_COMPLETION_TOKENS,
  ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS,
  ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS,
  ATTR_AI_USAGE_INPUT_NO_CACHE_TOKENS,
  ATTR_AI_USAGE_INPUT_TOKENS,
  ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS,
  ATTR_AI_USAGE_OUTPUT_TOKENS,
  ATTR_AI_USAGE_PROMPT_TOKENS,
  ATTR_AI_USAGE_REASONING_TOKENS,
  ATTR_AI_USAGE_TOKENS,
  ATTR_GEN_AI_SYSTEM,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from '../../semconv.js';
import type { AttributeMap, CallReading, GenAiCall } from '../types.js';
import { readMetadataCounts } from './ai-sdk-metadata.js';
import {
  readCounts,
  toNormalizedUsage,
  type CountNames,
  type TokenCounts,
} from './counts.js';
import {
  isInvalid,
  readText,
  type GenAiDialect,
  type InvalidUsage,
} from './dialect.js';
import { providerFromAiSdk } from './provider-names.js';

/**
 * The Vercel AI SDK's own span format: `ai` 4.3.19, 5.0.277 and 6.0.333
 * (`experimental_telemetry`), and 7.0.173 with the `LegacyOpenTelemetry`
 * integration of @ai-sdk/otel 1.0.173, with @ai-sdk/openai and
 * @ai-sdk/anthropic 1.x to 4.x. Its `OpenTelemetry` integration writes the
 * GenAI conventions' names, which the semconv dialect reads.
 *
 * What the input count contains depends on the version:
 * - `ai` 4 (`ai.usage.promptTokens`) and 5 (`promptTokens` on
 *   `generateText` spans, `inputTokens` on `streamText` spans) report the
 *   provider's own count: OpenAI's includes cache reads, Anthropic's leaves
 *   the cache reads and writes out. The cache counts are in
 *   `ai.usage.cachedInputTokens` (5, `streamText` only) or in the
 *   provider metadata (`ai.response.providerMetadata`).
 * - From `ai` 6 `ai.usage.inputTokens` includes cache reads and writes,
 *   which `ai.usage.inputTokenDetails.*` break down.
 * Output counts include reasoning tokens in every version.
 */
export const aiSdkDialect: GenAiDialect = {
  name: 'ai-sdk',
  markers: [ATTR_AI_OPERATION_ID],

  matches(attributes) {
    return (
      isAiSdkSpan(attributes) &&
      (attributes[ATTR_AI_USAGE_INPUT_TOKENS] !== undefined ||
        attributes[ATTR_AI_USAGE_PROMPT_TOKENS] !== undefined ||
        attributes[ATTR_AI_USAGE_OUTPUT_TOKENS] !== undefined ||
        attributes[ATTR_AI_USAGE_COMPLETION_TOKENS] !== undefined ||
        attributes[ATTR_AI_USAGE_TOKENS] !== undefined)
    );
  },

  read(attributes) {
    const identity = readIdentity(attributes);
    const usage = hasInputDetails(attributes)
      ? readCounts(attributes, DETAILED_NAMES)
      : readProviderCounts(attributes);
    if (isInvalid(usage)) {
      return { kind: 'invalid', ...usage.invalid };
    }
    return toReading(identity, usage);
  },
};

/** Tells whether a span was written by the AI SDK's own telemetry. */
export function isAiSdkSpan(attributes: AttributeMap): boolean {
  return attributes[ATTR_AI_OPERATION_ID] !== undefined;
}

// `ai` 6 and later: input includes the cached tokens.
const DETAILED_NAMES: CountNames = {
  input: [ATTR_AI_USAGE_INPUT_TOKENS],
  output: [ATTR_AI_USAGE_OUTPUT_TOKENS],
  cacheRead: [
    ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS,
    ATTR_AI_USAGE_CACHED_INPUT_TOKENS,
  ],
  cacheWrite: [ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS],
  reasoning: [
    ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS,
    ATTR_AI_USAGE_REASONING_TOKENS,
  ],
};

// `ai` 4 and 5: the provider's own counts.
const PROVIDER_NAMES: CountNames = {
  input: [
    ATTR_AI_USAGE_PROMPT_TOKENS,
    ATTR_AI_USAGE_INPUT_TOKENS,
    ATTR_AI_USAGE_TOKENS,
  ],
  output: [ATTR_AI_USAGE_COMPLETION_TOKENS, ATTR_AI_USAGE_OUTPUT_TOKENS],
  cacheRead: [ATTR_AI_USAGE_CACHED_INPUT_TOKENS],
  cacheWrite: [],
  reasoning: [ATTR_AI_USAGE_REASONING_TOKENS],
};

interface ProviderCounts {
  counts: TokenCounts;
  inputExcludesCache: boolean | undefined;
}

function hasInputDetails(attributes: AttributeMap): boolean {
  return (
    attributes[ATTR_AI_USAGE_INPUT_NO_CACHE_TOKENS] !== undefined ||
    attributes[ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS] !== undefined ||
    attributes[ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS] !== undefined
  );
}

function readProviderCounts(
  attributes: AttributeMap,
): ProviderCounts | InvalidUsage {
  const counts = readCounts(attributes, PROVIDER_NAMES);
  if (isInvalid(counts)) {
    return counts;
  }

  const metadata = readMetadataCounts(attributes);
  if (isInvalid(metadata)) {
    return metadata;
  }
  counts.cacheRead ??= metadata.cacheRead;
  counts.cacheWrite ??= metadata.cacheWrite;
  counts.reasoning ??= metadata.reasoning;

  const provider = providerId(attributes);
  return {
    counts,
    inputExcludesCache:
      provider === undefined ? undefined : INPUT_EXCLUDES_CACHE[provider],
  };
}

// Whether the provider's own input count of `ai` 4 and 5 leaves the
// cached tokens out, for the providers checked. @ai-sdk/anthropic 1.x and
// 2.x leave the cache reads and writes out. @ai-sdk/openai 1.x and 2.x
// include the cache reads, as the OpenAI API does.
const INPUT_EXCLUDES_CACHE: Readonly<Record<string, boolean>> = {
  anthropic: true,
  openai: false,
  'azure.ai.openai': false,
};

function toReading(
  identity: Omit<GenAiCall, 'usage'>,
  usage: TokenCounts | ProviderCounts,
): CallReading {
  const normalized =
    'counts' in usage
      ? toNormalizedUsage(usage.counts, {
          inputExcludesCache: usage.inputExcludesCache,
        })
      : toNormalizedUsage(usage, { inputExcludesCache: false });
  return { kind: 'call', call: { ...identity, usage: normalized } };
}

function providerId(attributes: AttributeMap): string | undefined {
  const id =
    readText(attributes, ATTR_AI_MODEL_PROVIDER) ??
    readText(attributes, ATTR_GEN_AI_SYSTEM);
  return id === undefined ? undefined : providerFromAiSdk(id);
}

// AI SDK operation ids, which name the span, by GenAI operation. The
// outer spans (`ai.generateText`) sum the model calls of their steps,
// as the conventions' agent spans do.
const OPERATIONS: Readonly<Record<string, string>> = {
  'ai.generateText': GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  'ai.streamText': GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  'ai.generateObject': GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  'ai.streamObject': GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  'ai.generateText.doGenerate': GEN_AI_OPERATION_NAME_VALUE_CHAT,
  'ai.streamText.doStream': GEN_AI_OPERATION_NAME_VALUE_CHAT,
  'ai.generateObject.doGenerate': GEN_AI_OPERATION_NAME_VALUE_CHAT,
  'ai.streamObject.doStream': GEN_AI_OPERATION_NAME_VALUE_CHAT,
  'ai.embed': GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  'ai.embedMany': GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  'ai.embed.doEmbed': GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  'ai.embedMany.doEmbed': GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
};

function readIdentity(attributes: AttributeMap): Omit<GenAiCall, 'usage'> {
  const operationId = readText(attributes, ATTR_AI_OPERATION_ID);
  return {
    provider: providerId(attributes),
    operation: operationId === undefined ? undefined : OPERATIONS[operationId],
    requestModel: readText(attributes, ATTR_AI_MODEL_ID),
    responseModel: readText(attributes, ATTR_AI_RESPONSE_MODEL),
  };
}
