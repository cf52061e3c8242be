import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

import { configureBudgetsFromEnv } from '../budget/registry.js';
import { tokenmeterInstrumentations } from '../instrumentation/index.js';
import { describeError, logger } from '../internal/diag.js';
import { CostSpanProcessor } from '../processor/cost-span-processor.js';
import type { CostSpanProcessorOptions } from '../processor/options.js';
import { metricReaders, spanExportProcessors } from './exporters.js';

/** Options of `startTokenmeter`. */
export interface StartOptions {
  /** Options of the `CostSpanProcessor`. */
  processor?: CostSpanProcessorOptions;
  /** Span processors to add after the exporting ones. */
  spanProcessors?: SpanProcessor[];
  /** Metric readers to add after the exporting ones. */
  metricReaders?: IMetricReader[];
  /** The environment to read `OTEL_*` variables from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A started SDK. */
export interface StartedTokenmeter {
  sdk: NodeSDK;
  processor: CostSpanProcessor;
  /** Flushes and stops telemetry; safe to call more than once. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK with tokenmeter's instrumentations,
 * its `CostSpanProcessor` and OTLP/HTTP exporters configured from the
 * standard `OTEL_*` variables, and flushes telemetry when the process is
 * about to exit. Returns undefined when `OTEL_SDK_DISABLED=true`.
 *
 * Throws `PriceConfigError` for a malformed price file and
 * `BudgetConfigError` for malformed budgets (`TOKENMETER_BUDGETS_FILE`,
 * `TOKENMETER_BUDGETS`), so that a bad configuration stops the app at
 * start-up.
 */
export function startTokenmeter(
  options: StartOptions = {},
): StartedTokenmeter | undefined {
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    return undefined;
  }

  configureBudgetsFromEnv(env);
  const processor = new CostSpanProcessor(options.processor);
  const sdk = new NodeSDK({
    instrumentations: tokenmeterInstrumentations(env),
    spanProcessors: [
      processor,
      ...spanExportProcessors(env),
      ...(options.spanProcessors ?? []),
    ],
    metricReaders: [...metricReaders(env), ...(options.metricReaders ?? [])],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= sdk.shutdown().catch((error: unknown) => {
      logger.error(`Telemetry shutdown failed: ${describeError(error)}`);
    });
    return stopping;
  };
  return { sdk, processor, shutdown };
}

// The maximum time a signal handler waits for telemetry to flush.
const SIGNAL_FLUSH_TIMEOUT_MS = 5000;

/**
 * Flushes telemetry when the event loop empties, and on SIGTERM or SIGINT.
 * When the app has no handler of its own for the signal, it is raised
 * again after the flush (or after 5 seconds), so the process ends as it
 * would have without tokenmeter.
 */
export function shutdownOnExit(shutdown: () => Promise<void>): void {
  process.once('beforeExit', () => void shutdown());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const appHandlesIt = process.listenerCount(signal) > 0;
      const timeout = new Promise<void>((resolve) =>
        setTimeout(resolve, SIGNAL_FLUSH_TIMEOUT_MS).unref(),
      );
      void Promise.race([shutdown(), timeout]).finally(() => {
        if (!appHandlesIt) {
          process.kill(process.pid, signal);
        }
      });
    });
  }
}
