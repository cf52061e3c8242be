import { findProvider, type Provider } from '@pydantic/genai-prices';

/**
 * Catalog provider ids by `gen_ai.provider.name` (and the older
 * `gen_ai.system`) values where the two differ. Other values are looked up
 * in the catalog as they are.
 */
const CATALOG_PROVIDER_IDS: Readonly<Record<string, string>> = {
  'aws.bedrock': 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  vertex_ai: 'google',
  mistral_ai: 'mistral',
  x_ai: 'x-ai',
  xai: 'x-ai',
  together_ai: 'together',
  fireworks_ai: 'fireworks',
};

/**
 * Provider names that have no catalog, so that their calls are never priced
 * from another provider's catalog by a loose name match: genai-prices
 * would take `openai_compatible` for OpenAI, since its OpenAI entry matches
 * any name that contains `openai`.
 */
const UNCATALOGUED_PROVIDERS: ReadonlySet<string> = new Set([
  'openai_compatible',
]);

/**
 * Providers that route to other vendors' models at those vendors' prices,
 * so that an `openai/gpt-4o` the router's own catalog lacks is priced from
 * the vendor's catalog. Hosts such as Together or Groq set their own prices
 * for the open models they serve, so they are not listed.
 */
const ROUTER_PROVIDERS: ReadonlySet<string> = new Set(['openrouter']);

/** Maps a semantic-conventions provider name to a catalog provider id. */
export function catalogProviderId(
  provider: string | undefined,
): string | undefined {
  if (provider === undefined) {
    return undefined;
  }
  const name = provider.toLowerCase();
  return CATALOG_PROVIDER_IDS[name] ?? name;
}

/**
 * Finds the catalog of a provider name: by catalog id first, then by the
 * catalog's own spellings of provider names (such as `together-ai`).
 * Returns undefined for a name without a catalog.
 */
export function findCatalogProvider(provider: string): Provider | undefined {
  const id = catalogProviderId(provider);
  if (id === undefined || UNCATALOGUED_PROVIDERS.has(id)) {
    return undefined;
  }
  return findProvider({ providerId: id });
}

/** Tells whether a catalog provider routes to other vendors' models. */
export function isRouter(provider: Provider): boolean {
  return ROUTER_PROVIDERS.has(provider.id);
}
