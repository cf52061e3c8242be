import type { Attributes } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
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
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
} from '../../semconv.js';

/** Details of a response besides its usage. */
export interface ResponseDetails {
  id?: string;
  model?: string;
  stopReason?: string;
}

/**
 * Builds the attributes a span starts with, from the request parameters of
 * `messages.create` and the client's base URL. Values of the wrong type are
 * left out.
 */
export function requestAttributes(
  params: Record<string, unknown>,
  baseURL: unknown,
): Attributes {
  const attributes: Attributes = {
    [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_REQUEST_STREAM]: params.stream === true,
    ...serverAttributes(baseURL),
  };
  putString(attributes, ATTR_GEN_AI_REQUEST_MODEL, params.model);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, params.max_tokens);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_P, params.top_p);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_K, params.top_k);
  return attributes;
}

/**
 * Reads `server.address` and `server.port` from a base URL such as
 * `https://api.anthropic.com`, with the scheme's default port when the URL
 * names none. Returns no attributes for a value that is not a URL.
 */
export function serverAttributes(baseURL: unknown): Attributes {
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) {
    return {};
  }

  const url = new URL(baseURL);
  const defaultPort = url.protocol === 'http:' ? 80 : 443;
  return {
    // The hostname of an IPv6 URL keeps its brackets, which are not part of
    // the address.
    [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    [ATTR_SERVER_PORT]: url.port === '' ? defaultPort : Number(url.port),
  };
}

/** Builds the response attributes: id, model and stop reason. */
export function responseAttributes(details: ResponseDetails): Attributes {
  const attributes: Attributes = {};
  putString(attributes, ATTR_GEN_AI_RESPONSE_ID, details.id);
  putString(attributes, ATTR_GEN_AI_RESPONSE_MODEL, details.model);
  if (typeof details.stopReason === 'string') {
    attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [details.stopReason];
  }
  return attributes;
}

/** Reads the response details of a Message or of a `message_start` event. */
export function readResponseDetails(message: unknown): ResponseDetails {
  if (typeof message !== 'object' || message === null) {
    return {};
  }

  const fields = message as Record<string, unknown>;
  return {
    id: stringOrUndefined(fields.id),
    model: stringOrUndefined(fields.model),
    stopReason: stringOrUndefined(fields.stop_reason),
  };
}

/** Builds the span name that the GenAI conventions give a chat call. */
export function spanName(model: unknown): string {
  return typeof model === 'string' && model !== ''
    ? `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${model}`
    : GEN_AI_OPERATION_NAME_VALUE_CHAT;
}

export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function putString(attributes: Attributes, name: string, value: unknown) {
  if (typeof value === 'string' && value !== '') {
    attributes[name] = value;
  }
}

function putNumber(attributes: Attributes, name: string, value: unknown) {
  if (typeof value === 'number' && Number.isFinite(value)) {
    attributes[name] = value;
  }
}
