import {
  ATTR_LLM_MODEL_NAME,
  ATTR_LLM_PROVIDER,
  ATTR_LLM_REQUEST_MODEL_NAME,
  ATTR_LLM_RESPONSE_MODEL_NAME,
  ATTR_LLM_SYSTEM,
  ATTR_LLM_TOKEN_COUNT_COMPLETION,
  ATTR_LLM_TOKEN_COUNT_COMPLETION_REASONING,
  ATTR_LLM_TOKEN_COUNT_PROMPT,
  ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_READ,
  ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE,
  ATTR_OPENINFERENCE_SPAN_KIND,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from '../../semconv.js';
import type { AttributeMap } from '../types.js';
import { readCounts, toNormalizedUsage, type CountNames } from './counts.js';
import { isInvalid, readText, type GenAiDialect } from './dialect.js';
import { providerFromOpenInference } from './provider-names.js';

/**
 * OpenInference, Arize's conventions: checked against
 * @arizeai/openinference-instrumentation-openai 4.2.7 and
 * @arizeai/openinference-semantic-conventions 2.12.0. There the prompt
 * count includes the cache reads (`prompt_details.cache_read`) and the
 * completion count the reasoning tokens (`completion_details.reasoning`),
 * as in the GenAI conventions. The provider is `llm.provider`, else
 * `llm.system`, and the model `llm.model_name`.
 */
export const openInferenceDialect: GenAiDialect = {
  name: 'openinference',
  markers: [ATTR_LLM_TOKEN_COUNT_PROMPT, ATTR_LLM_TOKEN_COUNT_COMPLETION],

  matches(attributes) {
    return (
      attributes[ATTR_LLM_TOKEN_COUNT_PROMPT] !== undefined ||
      attributes[ATTR_LLM_TOKEN_COUNT_COMPLETION] !== undefined
    );
  },

  read(attributes) {
    const counts = readCounts(attributes, NAMES);
    if (isInvalid(counts)) {
      return { kind: 'invalid', ...counts.invalid };
    }

    return {
      kind: 'call',
      call: {
        provider: readProvider(attributes),
        operation: readOperation(attributes),
        requestModel: readText(attributes, ATTR_LLM_REQUEST_MODEL_NAME),
        responseModel:
          readText(attributes, ATTR_LLM_RESPONSE_MODEL_NAME) ??
          readText(attributes, ATTR_LLM_MODEL_NAME),
        usage: toNormalizedUsage(counts),
      },
    };
  },
};

const NAMES: CountNames = {
  input: [ATTR_LLM_TOKEN_COUNT_PROMPT],
  output: [ATTR_LLM_TOKEN_COUNT_COMPLETION],
  cacheRead: [ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_READ],
  cacheWrite: [ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE],
  reasoning: [ATTR_LLM_TOKEN_COUNT_COMPLETION_REASONING],
};

function readProvider(attributes: AttributeMap): string | undefined {
  const value =
    readText(attributes, ATTR_LLM_PROVIDER) ??
    readText(attributes, ATTR_LLM_SYSTEM);
  return value === undefined ? undefined : providerFromOpenInference(value);
}

// OpenInference span kinds that name a GenAI operation. An LLM span may be
// a chat or a text completion, and is read as a chat.
const OPERATIONS_BY_SPAN_KIND: Readonly<Record<string, string>> = {
  LLM: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  EMBEDDING: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  AGENT: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
};

function readOperation(attributes: AttributeMap): string | undefined {
  const kind = readText(attributes, ATTR_OPENINFERENCE_SPAN_KIND);
  return kind === undefined ? undefined : OPERATIONS_BY_SPAN_KIND[kind];
}
