import type { Instrumentation } from '@opentelemetry/instrumentation';

import { AnthropicInstrumentation } from './anthropic/instrumentation.js';
import { OpenAIInstrumentation } from './openai/instrumentation.js';

/** The packages tokenmeter's instrumentations patch. */
export const INSTRUMENTED_MODULES: readonly string[] = [
  'openai',
  '@anthropic-ai/sdk',
];

/**
 * tokenmeter's instrumentations, configured from the environment:
 * `TOKENMETER_OPENAI_INCLUDE_STREAM_USAGE=true` turns on the OpenAI
 * instrumentation's `includeStreamUsage`.
 */
export function tokenmeterInstrumentations(
  env: NodeJS.ProcessEnv = process.env,
): Instrumentation[] {
  return [
    new OpenAIInstrumentation({
      includeStreamUsage: isTrue(env.TOKENMETER_OPENAI_INCLUDE_STREAM_USAGE),
    }),
    new AnthropicInstrumentation(),
  ];
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
