import type { Attributes } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '../../semconv.js';
import { putBoolean, putNumber, putString, putStrings } from './attributes.js';
import { providerName, type ProviderNameOptions } from './provider-name.js';
import { isRecord, readNumber, type UnknownRecord } from './values.js';

/**
 * Builds the attributes every operation shares: operation, provider, model
 * and the server that the client sends to.
 */
export function commonRequestAttributes(
  operationName: string,
  params: UnknownRecord,
  client: unknown,
  providerOptions: ProviderNameOptions = {},
): Attributes {
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: operationName,
    ...clientAttributes(client, providerOptions),
  };
  putString(attributes, ATTR_GEN_AI_REQUEST_MODEL, params.model);
  return attributes;
}

/** The attributes a client gives its calls, and what they were read from. */
interface ClientAttributes {
  baseUrl: unknown;
  apiVersion: unknown;
  providerByHost: ProviderNameOptions['providerByHost'];
  attributes: Attributes;
}

// Clients live long and make many calls, so their base URL is parsed once.
const byClient = new WeakMap<object, ClientAttributes>();

/**
 * Returns the provider and server of a client's calls, read again only
 * when its base URL, API version or the host map changes.
 */
function clientAttributes(
  client: unknown,
  providerOptions: ProviderNameOptions,
): Attributes {
  if (!isRecord(client)) {
    return readClientAttributes(client, providerOptions);
  }
  const cached = byClient.get(client);
  if (
    cached !== undefined &&
    cached.baseUrl === client.baseURL &&
    cached.apiVersion === client.apiVersion &&
    cached.providerByHost === providerOptions.providerByHost
  ) {
    return cached.attributes;
  }
  const attributes = readClientAttributes(client, providerOptions);
  byClient.set(client, {
    baseUrl: client.baseURL,
    apiVersion: client.apiVersion,
    providerByHost: providerOptions.providerByHost,
    attributes,
  });
  return attributes;
}

function readClientAttributes(
  client: unknown,
  providerOptions: ProviderNameOptions,
): Attributes {
  return {
    [ATTR_GEN_AI_PROVIDER_NAME]: providerName(client, providerOptions),
    ...serverAttributes(readBaseUrl(client)),
  };
}

/** Reads `server.address` and `server.port` from a base URL. */
export function serverAttributes(baseUrl: string | undefined): Attributes {
  if (baseUrl === undefined || !URL.canParse(baseUrl)) {
    return {};
  }

  const url = new URL(baseUrl);
  const port = url.port !== '' ? Number(url.port) : defaultPort(url.protocol);
  const attributes: Attributes = { [ATTR_SERVER_ADDRESS]: url.hostname };
  if (port !== undefined) {
    attributes[ATTR_SERVER_PORT] = port;
  }
  return attributes;
}

function defaultPort(protocol: string): number | undefined {
  if (protocol === 'https:') {
    return 443;
  }
  return protocol === 'http:' ? 80 : undefined;
}

function readBaseUrl(client: unknown): string | undefined {
  const baseUrl = isRecord(client) ? client.baseURL : undefined;
  return typeof baseUrl === 'string' ? baseUrl : undefined;
}

/** Reads the sampling parameters that chat and Responses requests share. */
export function samplingAttributes(params: UnknownRecord): Attributes {
  const attributes: Attributes = {};
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  putNumber(attributes, ATTR_GEN_AI_REQUEST_TOP_P, params.top_p);
  putBoolean(attributes, ATTR_GEN_AI_REQUEST_STREAM, params.stream);
  putString(
    attributes,
    ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
    params.service_tier,
  );
  return attributes;
}

/** Reads the request parameters of a chat completion. */
export function chatRequestAttributes(params: UnknownRecord): Attributes {
  const attributes = samplingAttributes(params);
  // `max_tokens` is deprecated in favour of `max_completion_tokens`.
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    params.max_completion_tokens ?? params.max_tokens,
  );
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
    params.frequency_penalty,
  );
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
    params.presence_penalty,
  );
  putNumber(attributes, ATTR_GEN_AI_REQUEST_SEED, params.seed);
  putStrings(attributes, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, params.stop);

  const choiceCount = readNumber(params.n);
  if (choiceCount !== undefined && choiceCount !== 1) {
    attributes[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = choiceCount;
  }
  return attributes;
}

/** Reads the request parameters of a Responses API call. */
export function responsesRequestAttributes(params: UnknownRecord): Attributes {
  const attributes = samplingAttributes(params);
  putNumber(
    attributes,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    params.max_output_tokens,
  );
  return attributes;
}

/** Reads the request parameters of an embeddings call. */
export function embeddingsRequestAttributes(params: UnknownRecord): Attributes {
  const attributes: Attributes = {};
  putStrings(
    attributes,
    ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
    params.encoding_format,
  );
  return attributes;
}
