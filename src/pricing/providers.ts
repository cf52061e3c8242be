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
};

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
