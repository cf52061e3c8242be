import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Configuration of `BedrockRuntimeInstrumentation`: the options every
 * OpenTelemetry instrumentation takes, such as `enabled`.
 */
export type BedrockRuntimeInstrumentationConfig = InstrumentationConfig;
