import {
  ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER,
  ATTR_ANTHROPIC_USAGE_CACHE_CREATION_EPHEMERAL_1H_INPUT_TOKENS,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_TOKENMETER_RESPONSE_SERVICE_TIER,
  ATTR_TOKENMETER_USAGE_AUDIO_INPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_AUDIO_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  ATTR_TOKENMETER_USAGE_IMAGE_INPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_IMAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_WEB_SEARCH_CALLS,
} from '../../semconv.js';
import type { AttributeMap, NormalizedUsage } from '../types.js';
import { isAiSdkSpan } from './ai-sdk.js';
import { readCounts, toNormalizedUsage, type CountNames } from './counts.js';
import {
  isInvalid,
  readConventionsIdentity,
  readText,
  readTokenCount,
  type GenAiDialect,
  type InvalidUsage,
} from './dialect.js';
import { isOpenLlmetrySpan } from './openllmetry.js';

// The usage names of the conventions: current, then those before v1.27.
const USAGE_NAMES = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
];

/**
 * The GenAI semantic conventions: v1.41 names, with the deprecated
 * `gen_ai.system`, `prompt_tokens` and `completion_tokens` and the newer
 * `cache_write` spelling. tokenmeter's own instrumentation, the Anthropic
 * SDK's built-in tracing, @opentelemetry/instrumentation-openai (0.22.0,
 * conventions 1.36) and the OpenTelemetry integration of `ai` 7
 * (@ai-sdk/otel 1.0.173) write them.
 *
 * Spans of the AI SDK's own format and of OpenLLMetry also carry some of
 * these names, with another meaning, so their dialects read them.
 */
export const semconvDialect: GenAiDialect = {
  name: 'semconv',
  markers: USAGE_NAMES,

  matches(attributes, scope) {
    return (
      USAGE_NAMES.some((name) => attributes[name] !== undefined) &&
      !isAiSdkSpan(attributes) &&
      !isOpenLlmetrySpan(attributes, scope)
    );
  },

  read(attributes) {
    const counts = readCounts(attributes, NAMES);
    if (isInvalid(counts)) {
      return { kind: 'invalid', ...counts.invalid };
    }

    const extras = readPricedExtras(attributes);
    if (isInvalid(extras)) {
      return { kind: 'invalid', ...extras.invalid };
    }

    const usage = {
      ...toNormalizedUsage(counts, {
        estimated: attributes[ATTR_TOKENMETER_USAGE_ESTIMATED] === true,
      }),
      ...extras,
    };
    return {
      kind: 'call',
      call: { ...readConventionsIdentity(attributes), usage },
    };
  },
};

const NAMES: CountNames = {
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

// Counts besides the conventions' that change the price: tokenmeter's
// audio, image and web search counts, and the one-hour cache writes that
// @anthropic-ai/sdk's spans and tokenmeter's Anthropic spans carry.
const EXTRA_COUNTS = [
  [
    'cacheWrite1hTokens',
    ATTR_ANTHROPIC_USAGE_CACHE_CREATION_EPHEMERAL_1H_INPUT_TOKENS,
  ],
  ['inputAudioTokens', ATTR_TOKENMETER_USAGE_AUDIO_INPUT_TOKENS],
  ['outputAudioTokens', ATTR_TOKENMETER_USAGE_AUDIO_OUTPUT_TOKENS],
  ['inputImageTokens', ATTR_TOKENMETER_USAGE_IMAGE_INPUT_TOKENS],
  ['outputImageTokens', ATTR_TOKENMETER_USAGE_IMAGE_OUTPUT_TOKENS],
  ['webSearchCalls', ATTR_TOKENMETER_USAGE_WEB_SEARCH_CALLS],
] as const;

type PricedExtras = Partial<
  Pick<NormalizedUsage, (typeof EXTRA_COUNTS)[number][0] | 'serviceTier'>
>;

function readPricedExtras(
  attributes: AttributeMap,
): PricedExtras | InvalidUsage {
  const extras: PricedExtras = {};
  for (const [key, name] of EXTRA_COUNTS) {
    const value = readTokenCount(attributes, name);
    if (isInvalid(value)) {
      return value;
    }
    if (value !== undefined) {
      extras[key] = value;
    }
  }

  const tier =
    readText(attributes, ATTR_TOKENMETER_RESPONSE_SERVICE_TIER) ??
    readText(attributes, ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER) ??
    readText(attributes, ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER);
  if (tier !== undefined) {
    extras.serviceTier = tier;
  }
  return extras;
}
