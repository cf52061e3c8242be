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
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
} from '../../semconv.js';
import {
  completionSizeAttributes,
  emptyParts,
} from '../common/completion-sizes.js';
import { addAnthropicContent } from '../common/message-parts.js';

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
    [ATTR_GEN_AI_PROVIDER_NAME]: providerName(baseURL),
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

// The hosts of the clouds that serve Claude through @anthropic-ai/sdk's
// Messages API: AnthropicBedrock (bedrock-runtime.<region>.amazonaws.com),
// AnthropicVertex (<region>-aiplatform.googleapis.com) and Azure AI Foundry
// (<resource>.services.ai.azure.com/anthropic).
const BEDROCK_HOST = /^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/;
const VERTEX_HOST = /(?:^|[.-])aiplatform\.googleapis\.com$/;
const FOUNDRY_HOST = /\.services\.ai\.azure\.com$/;

/**
 * Returns the `gen_ai.provider.name` of the API behind a client's base
 * URL: `aws.bedrock`, `gcp.vertex_ai` or `azure.ai.inference` for those
 * clouds' hosts, else `anthropic`, since a proxy in front of Anthropic is
 * the common case for any other host, and the Anthropic catalog prices
 * Claude models only.
 *
 * NOTE: on Bedrock the request's model id names the inference profile
 * (`global.` or a region), which sets the price, while the response names
 * the bare model, and the processor prices the response's model, at the
 * regional rate.
 */
export function providerName(baseURL: unknown): string {
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) {
    return GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC;
  }
  const host = new URL(baseURL).hostname.toLowerCase();
  if (BEDROCK_HOST.test(host)) {
    return GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK;
  }
  if (VERTEX_HOST.test(host)) {
    return GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI;
  }
  if (FOUNDRY_HOST.test(host)) {
    return GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE;
  }
  return GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC;
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

/**
 * Builds the `tokenmeter.completion.*` attributes of a Message: the sizes
 * of its text blocks and tool calls.
 */
export function messageSizeAttributes(message: unknown): Attributes {
  const parts = emptyParts();
  const content = (message as { content?: unknown } | null)?.content;
  addAnthropicContent(parts, content);
  return completionSizeAttributes(parts);
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
