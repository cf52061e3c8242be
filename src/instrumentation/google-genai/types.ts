import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/**
 * Configuration of `GoogleGenAIInstrumentation`: the options every
 * OpenTelemetry instrumentation takes, such as `enabled`.
 */
export type GoogleGenAIInstrumentationConfig = InstrumentationConfig;
