import type { Instrumentation } from '@opentelemetry/instrumentation';

import { AnthropicInstrumentation } from './anthropic/instrumentation.js';
import { BedrockRuntimeInstrumentation } from './bedrock/instrumentation.js';
import { GoogleGenAIInstrumentation } from './google-genai/instrumentation.js';
import { OpenAIInstrumentation } from './openai/instrumentation.js';
import { parseProviderByHost } from './openai/provider-name.js';

/** The packages tokenmeter's instrumentations patch. */
export const INSTRUMENTED_MODULES: readonly string[] = [
  'openai',
  '@anthropic-ai/sdk',
  '@google/genai',
  '@aws-sdk/client-bedrock-runtime',
];

/**
 * tokenmeter's instrumentations, configured from the environment:
 * `TOKENMETER_OPENAI_INCLUDE_STREAM_USAGE=true` turns on the OpenAI
 * instrumentation's `includeStreamUsage`, and `TOKENMETER_OPENAI_PROVIDERS`
 * (`host=provider,...`) sets its `providerByHost`.
 */
export function tokenmeterInstrumentations(
  env: NodeJS.ProcessEnv = process.env,
): Instrumentation[] {
  const providerByHost = parseProviderByHost(env.TOKENMETER_OPENAI_PROVIDERS);
  return [
    new OpenAIInstrumentation({
      includeStreamUsage: isTrue(env.TOKENMETER_OPENAI_INCLUDE_STREAM_USAGE),
      ...(providerByHost ? { providerByHost } : {}),
    }),
    new AnthropicInstrumentation(),
    new GoogleGenAIInstrumentation(),
    new BedrockRuntimeInstrumentation(),
  ];
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
