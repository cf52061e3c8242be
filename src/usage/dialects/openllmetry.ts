import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_LEGACY,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_LEGACY,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_TOKENS_LEGACY,
  ATTR_LLM_REQUEST_TYPE,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
} from '../../semconv.js';
import type { AttributeMap } from '../types.js';
import { readCounts, toNormalizedUsage, type CountNames } from './counts.js';
import {
  isInvalid,
  readConventionsIdentity,
  readText,
  type GenAiDialect,
} from './dialect.js';
import { providerFromOpenLlmetry } from './provider-names.js';

const TRACELOOP_SCOPE_PREFIX = '@traceloop/';

// Copies Anthropic's `input_tokens`, which leaves out cache reads and
// writes, into `gen_ai.usage.input_tokens` (checked in 0.25.0 to 0.27.0).
const INPUT_EXCLUDES_CACHE_SCOPE = '@traceloop/instrumentation-anthropic';

// The usage names OpenLLMetry writes, old and new.
const USAGE_NAMES = [
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
];

/**
 * OpenLLMetry, Traceloop's instrumentations. The tests run
 * @traceloop/instrumentation-openai 0.22.5 and 0.27.0 and
 * @traceloop/instrumentation-anthropic 0.22.6 and 0.27.0. The names of
 * @traceloop/instrumentation-bedrock 0.22.5 and 0.27.0 and of
 * @traceloop/ai-semantic-conventions 0.22.5 and 0.27.0 were read from
 * their source.
 *
 * Up to 0.22 they write `gen_ai.system` with a capital (`OpenAI`,
 * `Anthropic`, `AWS`), `llm.request.type`, `gen_ai.usage.prompt_tokens`,
 * `gen_ai.usage.completion_tokens` and `llm.usage.total_tokens`, and no
 * cache counts. Their semantic-conventions package also defines
 * `gen_ai.usage.cache_read_input_tokens`,
 * `gen_ai.usage.cache_creation_input_tokens` and
 * `gen_ai.usage.reasoning_tokens`, which are read too. From 0.25 they
 * write the conventions' names, but the Anthropic instrumentation's input
 * count still leaves the cached tokens out. A span is taken as
 * OpenLLMetry's when it carries `llm.request.type` or comes from a
 * `@traceloop/` scope.
 */
export const openLlmetryDialect: GenAiDialect = {
  name: 'openllmetry',
  markers: USAGE_NAMES,

  matches(attributes, scope) {
    return hasUsage(attributes) && isOpenLlmetrySpan(attributes, scope);
  },

  read(attributes, scope) {
    const counts = readCounts(attributes, NAMES);
    if (isInvalid(counts)) {
      return { kind: 'invalid', ...counts.invalid };
    }

    const usage = toNormalizedUsage(counts, {
      inputExcludesCache:
        scope === INPUT_EXCLUDES_CACHE_SCOPE ? true : undefined,
    });
    return {
      kind: 'call',
      call: {
        ...readConventionsIdentity(attributes),
        provider: readProvider(attributes),
        operation: readOperation(attributes),
        usage,
      },
    };
  },
};

/** Tells whether a span was written by an OpenLLMetry instrumentation. */
export function isOpenLlmetrySpan(
  attributes: AttributeMap,
  scope: string | undefined,
): boolean {
  return (
    attributes[ATTR_LLM_REQUEST_TYPE] !== undefined ||
    (scope !== undefined && scope.startsWith(TRACELOOP_SCOPE_PREFIX))
  );
}

function hasUsage(attributes: AttributeMap): boolean {
  return USAGE_NAMES.some((name) => attributes[name] !== undefined);
}

const NAMES: CountNames = {
  input: [ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_PROMPT_TOKENS],
  output: [
    ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
    ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ],
  cacheRead: [
    ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_LEGACY,
  ],
  cacheWrite: [
    ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
    ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_LEGACY,
  ],
  reasoning: [
    ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    ATTR_GEN_AI_USAGE_REASONING_TOKENS_LEGACY,
  ],
};

function readProvider(attributes: AttributeMap): string | undefined {
  const provider = readText(attributes, ATTR_GEN_AI_PROVIDER_NAME);
  if (provider !== undefined) {
    return provider;
  }
  const system = readText(attributes, ATTR_GEN_AI_SYSTEM);
  return system === undefined ? undefined : providerFromOpenLlmetry(system);
}

// `llm.request.type` values of @traceloop/ai-semantic-conventions 0.22.
const OPERATIONS_BY_REQUEST_TYPE: Readonly<Record<string, string>> = {
  chat: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  completion: GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
};

function readOperation(attributes: AttributeMap): string | undefined {
  const operation = readText(attributes, ATTR_GEN_AI_OPERATION_NAME);
  if (operation !== undefined) {
    return operation;
  }
  const type = readText(attributes, ATTR_LLM_REQUEST_TYPE);
  return type === undefined ? undefined : OPERATIONS_BY_REQUEST_TYPE[type];
}
