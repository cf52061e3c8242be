/**
 * Maps the provider names of other instrumentation families to
 * `gen_ai.provider.name` values, so that metrics and price lookups see one
 * name per provider.
 */

// AI SDK provider ids such as `openai.chat`, `openai.responses`,
// `anthropic.messages` or `google.vertex.chat`, by prefix, longest first.
// The same table as `mapProviderName` of @ai-sdk/otel 1.0.173, so that the
// two telemetry integrations of `ai` 7 name providers alike.
const AI_SDK_PREFIXES: readonly (readonly [string, string])[] = [
  ['google.vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['azure-openai', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['openai', 'openai'],
  ['azure', 'azure.ai.inference'],
  ['google', 'gcp.gemini'],
  ['mistral', 'mistral_ai'],
  ['cohere', 'cohere'],
  ['bedrock', 'aws.bedrock'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['xai', 'x_ai'],
];

/** Maps an AI SDK provider id to a `gen_ai.provider.name` value. */
export function providerFromAiSdk(id: string): string {
  const name = id.toLowerCase();
  for (const [prefix, provider] of AI_SDK_PREFIXES) {
    if (
      name === prefix ||
      name.startsWith(`${prefix}.`) ||
      name.startsWith(`${prefix}-`)
    ) {
      return provider;
    }
  }
  return name;
}

// `gen_ai.system` values of OpenLLMetry 0.22.x, which names the vendor
// with a capital (`OpenAI`, `Anthropic`, `AWS` for Bedrock, `Azure`,
// `Google` for any googleapis.com host, `OpenRouter`).
const OPENLLMETRY_SYSTEMS: Readonly<Record<string, string>> = {
  aws: 'aws.bedrock',
  azure: 'azure.ai.openai',
  google: 'gcp.gen_ai',
};

/** Maps an OpenLLMetry `gen_ai.system` value to a provider name. */
export function providerFromOpenLlmetry(system: string): string {
  const name = system.toLowerCase();
  return OPENLLMETRY_SYSTEMS[name] ?? name;
}

// `llm.provider` and `llm.system` values of OpenInference
// (@arizeai/openinference-semantic-conventions 2.12) that differ from
// the conventions' provider names.
const OPENINFERENCE_PROVIDERS: Readonly<Record<string, string>> = {
  aws: 'aws.bedrock',
  amazon: 'aws.bedrock',
  azure: 'azure.ai.openai',
  google: 'gcp.gemini',
  vertexai: 'gcp.vertex_ai',
  mistralai: 'mistral_ai',
  xai: 'x_ai',
};

/** Maps an OpenInference provider or system value to a provider name. */
export function providerFromOpenInference(value: string): string {
  const name = value.toLowerCase();
  return OPENINFERENCE_PROVIDERS[name] ?? name;
}
