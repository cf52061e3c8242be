import { warnOnce } from '../../internal/diag.js';
import { environmentValue } from '../../internal/environment.js';
import {
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY,
  GEN_AI_PROVIDER_NAME_VALUE_X_AI,
  PROVIDER_NAME_VALUE_CEREBRAS,
  PROVIDER_NAME_VALUE_FIREWORKS_AI,
  PROVIDER_NAME_VALUE_OPENAI_COMPATIBLE,
  PROVIDER_NAME_VALUE_OPENROUTER,
  PROVIDER_NAME_VALUE_TOGETHER_AI,
} from '../../semconv.js';
import { isRecord } from './values.js';

/**
 * Providers of OpenAI-compatible APIs by the domain of their API host. A
 * host matches a domain when it is the domain or one of its subdomains.
 */
const PROVIDERS_BY_DOMAIN: readonly (readonly [string, string])[] = [
  ['api.openai.com', GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
  ['openai.azure.com', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['openai.azure.us', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['openai.azure.cn', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['cognitiveservices.azure.com', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  // API Management gateways, most often put in front of Azure OpenAI.
  ['azure-api.net', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['api.together.xyz', PROVIDER_NAME_VALUE_TOGETHER_AI],
  ['api.together.ai', PROVIDER_NAME_VALUE_TOGETHER_AI],
  ['api.groq.com', GEN_AI_PROVIDER_NAME_VALUE_GROQ],
  ['api.deepseek.com', GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK],
  ['api.mistral.ai', GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI],
  ['openrouter.ai', PROVIDER_NAME_VALUE_OPENROUTER],
  ['api.fireworks.ai', PROVIDER_NAME_VALUE_FIREWORKS_AI],
  ['api.x.ai', GEN_AI_PROVIDER_NAME_VALUE_X_AI],
  ['api.perplexity.ai', GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY],
  ['api.cerebras.ai', PROVIDER_NAME_VALUE_CEREBRAS],
  ['api.anthropic.com', GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC],
  ['generativelanguage.googleapis.com', GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI],
];

// Bedrock's OpenAI-compatible endpoint: bedrock-runtime.<region>.amazonaws.com.
const BEDROCK_HOST = /^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/;
// Vertex AI: aiplatform.googleapis.com or <region>-aiplatform.googleapis.com.
const VERTEX_HOST = /^(?:[a-z0-9-]+-)?aiplatform\.googleapis\.com$/;
// Azure AI Foundry serves Azure OpenAI under /openai and the models of its
// catalog, through the Azure AI Inference API, under /models.
const FOUNDRY_DOMAIN = 'services.ai.azure.com';

/** Options of `providerName`. */
export interface ProviderNameOptions {
  /** `gen_ai.provider.name` values by host or `host:port`, set by the app. */
  providerByHost?: Readonly<Record<string, string>>;
}

/**
 * Returns the `gen_ai.provider.name` of the API behind an `openai` client:
 * `azure.ai.openai` for an `AzureOpenAI` client, else the provider whose
 * API host the client's `baseURL` names (`groq` for api.groq.com, say). A
 * host the app maps in `providerByHost` takes that name first. Any other
 * host, most often a gateway or proxy in front of OpenAI, is named and
 * priced as `openai`, the API the client speaks, with a warning once per
 * host. Its model names decide the price, so a self-hosted model whose
 * name is not in OpenAI's catalog stays unpriced; map such a host to
 * `openai_compatible` to leave every call to it unpriced.
 */
export function providerName(
  client: unknown,
  options: ProviderNameOptions = {},
): string {
  const url = readBaseUrl(client);
  const mapped = url && mappedProvider(url, options.providerByHost);
  if (mapped) {
    return mapped;
  }
  if (isAzureClient(client)) {
    return GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI;
  }
  if (url === undefined) {
    return GEN_AI_PROVIDER_NAME_VALUE_OPENAI;
  }
  return hostProvider(url) ?? unknownHost(url);
}

/** Finds the provider of a recognized API host, or undefined. */
export function hostProvider(url: URL): string | undefined {
  const host = hostname(url);
  if (BEDROCK_HOST.test(host)) {
    return GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK;
  }
  if (VERTEX_HOST.test(host)) {
    return GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI;
  }
  if (inDomain(host, FOUNDRY_DOMAIN)) {
    return url.pathname.startsWith('/models')
      ? GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE
      : GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI;
  }
  const found = PROVIDERS_BY_DOMAIN.find(([domain]) => inDomain(host, domain));
  return found?.[1];
}

function mappedProvider(
  url: URL,
  providerByHost: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (providerByHost === undefined) {
    return undefined;
  }
  const host = hostname(url);
  const port = url.port === '' ? undefined : `${host}:${url.port}`;
  const value = (port && providerByHost[port]) ?? providerByHost[host];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function unknownHost(url: URL): string {
  const host = hostname(url);
  warnOnce(
    `openai-unknown-host:${host}`,
    `The openai client sends to ${host}, which tokenmeter does not ` +
      'recognize, so its calls are named and priced as OpenAI calls. If ' +
      `${host} serves another provider's models, name it with ` +
      `TOKENMETER_OPENAI_PROVIDERS=${host}=<provider> (or the ` +
      `providerByHost option); ${host}=` +
      `${PROVIDER_NAME_VALUE_OPENAI_COMPATIBLE} leaves its calls unpriced.`,
  );
  return GEN_AI_PROVIDER_NAME_VALUE_OPENAI;
}

/**
 * Tells whether a client is an `AzureOpenAI` client, the only one with an
 * `apiVersion` field, which its constructor requires.
 */
function isAzureClient(client: unknown): boolean {
  return (
    isRecord(client) &&
    typeof client.apiVersion === 'string' &&
    client.apiVersion !== ''
  );
}

function readBaseUrl(client: unknown): URL | undefined {
  const baseUrl = isRecord(client) ? client.baseURL : undefined;
  return typeof baseUrl === 'string' && URL.canParse(baseUrl)
    ? new URL(baseUrl)
    : undefined;
}

function hostname(url: URL): string {
  // The hostname of an IPv6 URL keeps its brackets.
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function inDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Parses `TOKENMETER_OPENAI_PROVIDERS`: comma-separated `host=provider` or
 * `host:port=provider` pairs, such as
 * `llm-gateway.internal=openai,localhost:8000=openai_compatible`. Entries
 * that are not such pairs are skipped with a warning.
 */
export function parseProviderByHost(
  value: string | undefined,
): Record<string, string> | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const entry of value.split(',')) {
    const [host, provider, ...rest] = entry
      .split('=')
      .map((part) => part.trim());
    if (!host || !provider || rest.length > 0) {
      warnOnce(
        `openai-providers-entry:${entry}`,
        `Ignored "${entry}" in TOKENMETER_OPENAI_PROVIDERS: expected ` +
          'host=provider or host:port=provider, such as ' +
          'llm-gateway.internal=openai.',
      );
      continue;
    }
    result[host.toLowerCase()] = provider;
  }
  return result;
}

let parsedValue: string | undefined;
let environmentMap: Record<string, string> | undefined;

/**
 * Reads `TOKENMETER_OPENAI_PROVIDERS` as first read from the process
 * environment, parsed again only when its value changes.
 */
export function providerByHostFromEnvironment():
  Record<string, string> | undefined {
  const value = environmentValue('TOKENMETER_OPENAI_PROVIDERS');
  if (value !== parsedValue) {
    parsedValue = value;
    environmentMap = parseProviderByHost(value);
  }
  return environmentMap;
}
