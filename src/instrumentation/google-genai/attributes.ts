import type { Attributes } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
} from '../../semconv.js';
import {
  isRecord,
  putNumber,
  putString,
  putStrings,
  serverAttributes,
  type UnknownRecord,
} from '../common/attributes.js';
import {
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import type { ApiClientShape } from './internal-types.js';

/** Details of a response besides its usage. */
export interface ResponseDetails {
  id?: string;
  model?: string;
  /** Finish reasons by candidate index, such as `STOP` or `MAX_TOKENS`. */
  finishReasons: Map<number, string>;
}

// `responseMimeType` values that name a conventions output type.
const OUTPUT_TYPES: Readonly<Record<string, string>> = {
  'application/json': 'json',
  'text/plain': 'text',
};

/**
 * Builds the attributes a span starts with, from the parameters of
 * `models.generateContent` or `generateContentStream` and the client.
 * Values of the wrong type are left out.
 */
export function requestAttributes(
  params: UnknownRecord,
  client: ApiClientShape | undefined,
  streamed: boolean,
): Attributes {
  const config = isRecord(params.config) ? params.config : {};
  const attributes: Attributes = {
    [ATTR_GEN_AI_PROVIDER_NAME]: providerName(client),
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
    [ATTR_GEN_AI_REQUEST_STREAM]: streamed,
    ...serverAttributes(baseUrl(config, client)),
  };
  putString(attributes, ATTR_GEN_AI_REQUEST_MODEL, params.model);
  putConfig(attributes, config);
  return attributes;
}

function putConfig(attributes: Attributes, config: UnknownRecord): void {
  putNumber(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxOutputTokens);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_K, config.topK);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_SEED, config.seed);
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
    config.presencePenalty,
  );
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
    config.frequencyPenalty,
  );
  putStrings(
    attributes,
    ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
    config.stopSequences,
  );
  if (config.candidateCount !== 1) {
    putNumber(
      attributes,
      ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
      config.candidateCount,
    );
  }
  const mimeType = config.responseMimeType;
  if (typeof mimeType === 'string' && OUTPUT_TYPES[mimeType]) {
    attributes[ATTR_GEN_AI_OUTPUT_TYPE] = OUTPUT_TYPES[mimeType];
  }
}

/**
 * Names the provider the way the GenAI conventions do: `gcp.vertex_ai`
 * when the client sends to Vertex AI (`vertexai: true`, or
 * `GOOGLE_GENAI_USE_VERTEXAI`), else `gcp.gemini` for the Gemini Developer
 * API.
 */
function providerName(client: ApiClientShape | undefined): string {
  return callQuietly(client, 'isVertexAI') === true
    ? GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI
    : GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI;
}

/** Returns the base URL of the request: the call's own, else the client's. */
function baseUrl(
  config: UnknownRecord,
  client: ApiClientShape | undefined,
): unknown {
  const httpOptions = isRecord(config.httpOptions) ? config.httpOptions : {};
  return httpOptions.baseUrl ?? callQuietly(client, 'getBaseUrl');
}

/** Calls an ApiClient getter, which may throw, or returns undefined. */
function callQuietly(
  client: ApiClientShape | undefined,
  method: keyof ApiClientShape,
): unknown {
  try {
    const getter = client?.[method];
    return typeof getter === 'function' ? getter.call(client) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the details of a GenerateContentResponse or one of its chunks. */
export function readResponseDetails(
  response: unknown,
  into: ResponseDetails,
): void {
  if (!isRecord(response)) {
    return;
  }

  if (typeof response.responseId === 'string') {
    into.id = response.responseId;
  }
  if (typeof response.modelVersion === 'string') {
    into.model = response.modelVersion;
  }
  const candidates = Array.isArray(response.candidates)
    ? response.candidates
    : [];
  candidates.forEach((candidate: unknown, position) => {
    if (!isRecord(candidate) || typeof candidate.finishReason !== 'string') {
      return;
    }
    const index =
      typeof candidate.index === 'number' ? candidate.index : position;
    into.finishReasons.set(index, candidate.finishReason);
  });
}

/**
 * Reads the visible output of a GenerateContentResponse or one of its
 * chunks: the text and function calls (name and arguments) of each
 * candidate. Thought parts are reasoning, whose tokens `thoughtsTokenCount`
 * reports, so they are left out.
 */
export function candidateParts(response: unknown): CompletionParts {
  const parts = emptyParts();
  const candidates =
    isRecord(response) && Array.isArray(response.candidates)
      ? response.candidates
      : [];
  for (const candidate of candidates) {
    const content = isRecord(candidate) ? candidate.content : undefined;
    if (isRecord(content) && Array.isArray(content.parts)) {
      content.parts.forEach((part) => addPart(parts, part));
    }
  }
  return parts;
}

function addPart(parts: CompletionParts, part: unknown): void {
  if (!isRecord(part) || part.thought === true) {
    return;
  }
  parts.text.push(part.text);
  if (isRecord(part.functionCall)) {
    parts.toolCalls.push(part.functionCall.name, part.functionCall.args);
  }
}

/** Builds the response attributes: id, model and finish reasons. */
export function responseAttributes(details: ResponseDetails): Attributes {
  const attributes: Attributes = {};
  putString(attributes, ATTR_GEN_AI_RESPONSE_ID, details.id);
  putString(attributes, ATTR_GEN_AI_RESPONSE_MODEL, details.model);
  if (details.finishReasons.size > 0) {
    const byIndex = [...details.finishReasons].sort(([a], [b]) => a - b);
    attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = byIndex.map(
      ([, reason]) => reason,
    );
  }
  return attributes;
}

/**
 * Builds the span name the GenAI conventions give the call:
 * `generate_content {model}`.
 */
export function spanName(model: unknown): string {
  const operation = GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT;
  return typeof model === 'string' && model !== ''
    ? `${operation} ${model}`
    : operation;
}
