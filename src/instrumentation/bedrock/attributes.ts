import type { Attributes } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
} from '../../semconv.js';
import {
  isRecord,
  putNumber,
  putString,
  putStrings,
  type UnknownRecord,
} from '../common/attributes.js';
import { isStreamed, type Operation } from './operations.js';

/** Details of a response besides its usage. */
export interface ResponseDetails {
  id?: string;
  model?: string;
  finishReasons: string[];
}

/** Paths of the output token limit in the native request bodies. */
const INVOKE_MAX_TOKENS: readonly string[] = [
  'max_tokens',
  'max_gen_len',
  'inferenceConfig.max_new_tokens',
  'inferenceConfig.maxTokens',
  'textGenerationConfig.maxTokenCount',
];

/**
 * Paths of each request parameter in the native request bodies of
 * InvokeModel, tried in order: Anthropic and Mistral at the top level,
 * Nova under `inferenceConfig`, Titan under `textGenerationConfig`, Llama
 * as `max_gen_len`, Cohere as `p` and `k`.
 */
const INVOKE_PARAMETERS: ReadonlyArray<[string, readonly string[]]> = [
  [ATTR_GEN_AI_REQUEST_MAX_TOKENS, INVOKE_MAX_TOKENS],
  [
    ATTR_GEN_AI_REQUEST_TEMPERATURE,
    [
      'temperature',
      'inferenceConfig.temperature',
      'textGenerationConfig.temperature',
    ],
  ],
  [
    ATTR_GEN_AI_REQUEST_TOP_P,
    [
      'top_p',
      'p',
      'inferenceConfig.top_p',
      'inferenceConfig.topP',
      'textGenerationConfig.topP',
    ],
  ],
  [ATTR_GEN_AI_REQUEST_TOP_K, ['top_k', 'k', 'inferenceConfig.top_k']],
];

const INVOKE_STOP_SEQUENCES: readonly string[] = [
  'stop_sequences',
  'stop',
  'inferenceConfig.stopSequences',
  'textGenerationConfig.stopSequences',
];

/**
 * Builds the attributes a span starts with, from the input of a Converse,
 * ConverseStream, InvokeModel or InvokeModelWithResponseStream command.
 * The request model is the `modelId` as given: a model id, an inference
 * profile id such as `us.anthropic.claude-3-7-sonnet-20250219-v1:0`, or an
 * ARN. Values of the wrong type are left out.
 */
export function requestAttributes(
  operation: Operation,
  input: UnknownRecord,
): Attributes {
  const body = operation.startsWith('Invoke')
    ? parseRequestBody(input.body)
    : undefined;
  const attributes: Attributes = {
    [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
    [ATTR_GEN_AI_OPERATION_NAME]: operationName(input.modelId, body),
    [ATTR_GEN_AI_REQUEST_STREAM]: isStreamed(operation),
  };
  putString(attributes, ATTR_GEN_AI_REQUEST_MODEL, input.modelId);

  if (body) {
    putInvokeParameters(attributes, body);
  } else {
    putConverseParameters(attributes, input);
  }
  return attributes;
}

/**
 * Names the operation: `chat` for Converse and for InvokeModel bodies with
 * `messages` (or Cohere's `message`), `embeddings` for an embedding model,
 * and `text_completion` for a bare prompt, such as Llama's or Titan's.
 */
export function operationName(
  modelId: unknown,
  body: UnknownRecord | undefined,
) {
  if (!body) {
    return GEN_AI_OPERATION_NAME_VALUE_CHAT;
  }
  if (body.messages !== undefined || body.message !== undefined) {
    return GEN_AI_OPERATION_NAME_VALUE_CHAT;
  }
  if (typeof modelId === 'string' && modelId.includes('embed')) {
    return GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS;
  }
  return GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION;
}

function putConverseParameters(attributes: Attributes, input: UnknownRecord) {
  const config = isRecord(input.inferenceConfig) ? input.inferenceConfig : {};
  putNumber(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxTokens);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
  putStrings(
    attributes,
    ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
    config.stopSequences,
  );
  const extra = isRecord(input.additionalModelRequestFields)
    ? input.additionalModelRequestFields
    : {};
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_K, extra.top_k ?? extra.topK);
}

function putInvokeParameters(attributes: Attributes, body: UnknownRecord) {
  for (const [name, paths] of INVOKE_PARAMETERS) {
    putNumber(attributes, name, firstAt(body, paths));
  }
  putStrings(
    attributes,
    ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
    firstAt(body, INVOKE_STOP_SEQUENCES),
  );
}

/** Reads the output token limit of an InvokeModel request body. */
export function readInvokeMaxTokens(body: UnknownRecord): number | undefined {
  const limit = firstAt(body, INVOKE_MAX_TOKENS);
  return typeof limit === 'number' && Number.isFinite(limit)
    ? limit
    : undefined;
}

/** Reads the first value found at one of the dotted paths. */
function firstAt(body: UnknownRecord, paths: readonly string[]): unknown {
  for (const path of paths) {
    let value: unknown = body;
    for (const key of path.split('.')) {
      value = isRecord(value) ? value[key] : undefined;
    }
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/**
 * Parses the JSON body of an InvokeModel request, given as a string or
 * bytes. Returns undefined for a body that is neither, such as a stream.
 */
export function parseRequestBody(body: unknown): UnknownRecord | undefined {
  const text = decodeText(body);
  if (text === undefined) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a string or bytes as UTF-8 text. */
export function decodeText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (value instanceof Uint8Array) {
    return new TextDecoder().decode(value);
  }
  return undefined;
}

/** Reads `server.address` and `server.port` of a smithy `HttpRequest`. */
export function serverAttributes(request: unknown): Attributes {
  const attributes: Attributes = {};
  if (!isRecord(request)) {
    return attributes;
  }
  putString(attributes, ATTR_SERVER_ADDRESS, request.hostname);
  const port =
    typeof request.port === 'number'
      ? request.port
      : request.protocol === 'http:'
        ? 80
        : 443;
  if (attributes[ATTR_SERVER_ADDRESS] !== undefined) {
    attributes[ATTR_SERVER_PORT] = port;
  }
  return attributes;
}

/** Builds the response attributes: id, model and finish reasons. */
export function responseAttributes(details: ResponseDetails): Attributes {
  const attributes: Attributes = {};
  putString(attributes, ATTR_GEN_AI_RESPONSE_ID, details.id);
  putString(attributes, ATTR_GEN_AI_RESPONSE_MODEL, details.model);
  putStrings(
    attributes,
    ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
    details.finishReasons,
  );
  return attributes;
}

/** Builds the span name the GenAI conventions give a call. */
export function spanName(attributes: Attributes): string {
  const operation = String(attributes[ATTR_GEN_AI_OPERATION_NAME]);
  const model = attributes[ATTR_GEN_AI_REQUEST_MODEL];
  return typeof model === 'string' ? `${operation} ${model}` : operation;
}
