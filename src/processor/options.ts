import type { MeterProvider } from '@opentelemetry/api';

import type { PriceOverride } from '../pricing/types.js';
import { SEMCONV_OPT_IN_GEN_AI_LATEST } from '../semconv.js';

/** Options of `CostSpanProcessor`. */
export interface CostSpanProcessorOptions {
  /**
   * The meter provider that receives the cost metrics. Default: the global
   * meter provider, looked up when the first GenAI span ends.
   */
  meterProvider?: MeterProvider;
  /**
   * Prices that take precedence over the bundled genai-prices catalog, in
   * the order given.
   */
  prices?: PriceOverride[];
  /**
   * A YAML or JSON file of price overrides (a top-level `models` list of
   * `PriceOverride` entries), read and checked when the processor is
   * built. Its entries come after those of `prices`. Default: the
   * `TOKENMETER_PRICES_FILE` environment variable, else none.
   */
  pricesFile?: string;
  /**
   * The feature of calls made outside any `withInteraction` and without
   * feature baggage. Default: `default`.
   */
  defaultFeature?: string;
  /**
   * How long an interaction may stay open before it is dropped from the
   * ledger and counted in `tokenmeter.interactions.evicted`, in
   * milliseconds. Default: `TOKENMETER_INTERACTION_TIMEOUT_MS`, else
   * 900000 (15 minutes).
   */
  interactionTimeoutMs?: number;
  /**
   * How many interactions may be open at once; past it the oldest is
   * dropped and counted as evicted. Default: 10000.
   */
  maxOpenInteractions?: number;
  /**
   * Whether to record the GenAI conventions' token metrics: the
   * `gen_ai.client.token.usage` histogram, or the newer
   * `gen_ai.client.inference.*` metrics instead when the
   * `OTEL_SEMCONV_STABILITY_OPT_IN` variable contains
   * `gen_ai_latest_experimental`. Turn it off when another
   * instrumentation already records them for the same calls. Default: true.
   */
  recordTokenUsage?: boolean;
  /**
   * How many distinct feature values metrics may carry; later ones are
   * recorded as `_other`. Default: 100.
   */
  maxFeatures?: number;
  /**
   * How many distinct model names metrics may carry; later ones are
   * recorded as `_other`. Default: 200.
   */
  maxModels?: number;
  /**
   * W3C Baggage keys whose values become attributes of the cost and
   * interaction metrics, such as a tenant's plan or a region. Each key
   * keeps at most `maxBaggageValues` distinct values; later ones are
   * recorded as `_other`. Never list a key with one value per user.
   * Default: `TOKENMETER_BAGGAGE_METRIC_KEYS` (comma-separated), else none.
   */
  baggageMetricKeys?: string[];
  /**
   * W3C Baggage keys whose values become attributes of GenAI and
   * interaction spans, where high-cardinality backends can slice by them
   * (a customer id, say); `*` copies every entry. Default:
   * `TOKENMETER_BAGGAGE_SPAN_KEYS` (comma-separated), else none.
   */
  baggageSpanKeys?: string[];
  /**
   * How many distinct values each baggage metric attribute may carry.
   * Default: 50.
   */
  maxBaggageValues?: number;
}

/** The options with their defaults applied. */
export interface ResolvedProcessorOptions {
  meterProvider?: MeterProvider;
  prices: PriceOverride[];
  pricesFile?: string;
  defaultFeature: string;
  interactionTimeoutMs: number;
  maxOpenInteractions: number;
  tokenMetrics: 'none' | 'token_usage' | 'latest';
  maxFeatures: number;
  maxModels: number;
  baggageMetricKeys: string[];
  baggageSpanKeys: string[];
  maxBaggageValues: number;
}

const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Applies defaults and environment variables. Throws a `TypeError` naming
 * the option for a value that cannot be used.
 */
export function resolveOptions(
  options: CostSpanProcessorOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedProcessorOptions {
  const timeoutFromEnv = env.TOKENMETER_INTERACTION_TIMEOUT_MS;
  return {
    meterProvider: options.meterProvider,
    prices: options.prices ?? [],
    pricesFile: options.pricesFile ?? nonEmpty(env.TOKENMETER_PRICES_FILE),
    defaultFeature: options.defaultFeature ?? 'default',
    interactionTimeoutMs: positive(
      'interactionTimeoutMs',
      options.interactionTimeoutMs ??
        (timeoutFromEnv === undefined ? undefined : Number(timeoutFromEnv)),
      DEFAULT_TIMEOUT_MS,
    ),
    maxOpenInteractions: positive(
      'maxOpenInteractions',
      options.maxOpenInteractions,
      10_000,
    ),
    tokenMetrics: tokenMetrics(options.recordTokenUsage, env),
    maxFeatures: positive('maxFeatures', options.maxFeatures, 100),
    maxModels: positive('maxModels', options.maxModels, 200),
    baggageMetricKeys:
      options.baggageMetricKeys ?? keyList(env.TOKENMETER_BAGGAGE_METRIC_KEYS),
    baggageSpanKeys:
      options.baggageSpanKeys ?? keyList(env.TOKENMETER_BAGGAGE_SPAN_KEYS),
    maxBaggageValues: positive(
      'maxBaggageValues',
      options.maxBaggageValues,
      50,
    ),
  };
}

function keyList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

function tokenMetrics(
  record: boolean | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedProcessorOptions['tokenMetrics'] {
  if (record === false) {
    return 'none';
  }
  const optIn = (env.OTEL_SEMCONV_STABILITY_OPT_IN ?? '').split(',');
  return optIn.some((value) => value.trim() === SEMCONV_OPT_IN_GEN_AI_LATEST)
    ? 'latest'
    : 'token_usage';
}

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `CostSpanProcessor option ${name} must be a positive number, got ` +
        `${String(value)}. Remove it to use the default of ${fallback}.`,
    );
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
