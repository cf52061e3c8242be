import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

import { logger } from '../internal/diag.js';

const DEFAULT_METRIC_INTERVAL_MS = 60_000;
const SUPPORTED_PROTOCOL = 'http/protobuf';

/**
 * The span processors that export spans, selected by `OTEL_TRACES_EXPORTER`:
 * `otlp` (the default, OTLP over HTTP with protobuf, configured by the
 * exporter from the `OTEL_EXPORTER_OTLP_*` variables), `console` or `none`.
 */
export function spanExportProcessors(env: NodeJS.ProcessEnv): SpanProcessor[] {
  return exporterNames(env.OTEL_TRACES_EXPORTER).flatMap(
    (name): SpanProcessor[] => {
      switch (name) {
        case 'otlp':
          warnOnOtherProtocol(env, 'TRACES');
          return [
            new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }),
          ];
        case 'console':
          return [
            new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }),
          ];
        case 'none':
          return [];
        default:
          warnUnsupported('OTEL_TRACES_EXPORTER', name);
          return [];
      }
    },
  );
}

/**
 * The metric readers selected by `OTEL_METRICS_EXPORTER`: `otlp` (the
 * default), `console` or `none`, exporting every
 * `OTEL_METRIC_EXPORT_INTERVAL` milliseconds (default 60000).
 */
export function metricReaders(env: NodeJS.ProcessEnv): IMetricReader[] {
  const exportIntervalMillis = exportInterval(env.OTEL_METRIC_EXPORT_INTERVAL);

  return exporterNames(env.OTEL_METRICS_EXPORTER).flatMap(
    (name): IMetricReader[] => {
      switch (name) {
        case 'otlp':
          warnOnOtherProtocol(env, 'METRICS');
          return [
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter(),
              exportIntervalMillis,
            }),
          ];
        case 'console':
          return [
            new PeriodicExportingMetricReader({
              exporter: new ConsoleMetricExporter(),
              exportIntervalMillis,
            }),
          ];
        case 'none':
          return [];
        default:
          warnUnsupported('OTEL_METRICS_EXPORTER', name);
          return [];
      }
    },
  );
}

function exporterNames(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 0) {
    return ['otlp'];
  }
  return names.includes('none') ? ['none'] : [...new Set(names)];
}

function exportInterval(value: string | undefined): number {
  if (value === undefined || value.trim() === '') {
    return DEFAULT_METRIC_INTERVAL_MS;
  }
  const interval = Number(value);
  if (Number.isFinite(interval) && interval > 0) {
    return interval;
  }
  logger.warn(
    `Invalid OTEL_METRIC_EXPORT_INTERVAL "${value}": expected a positive ` +
      `number of milliseconds; using ${DEFAULT_METRIC_INTERVAL_MS}.`,
  );
  return DEFAULT_METRIC_INTERVAL_MS;
}

function warnOnOtherProtocol(
  env: NodeJS.ProcessEnv,
  signal: 'TRACES' | 'METRICS',
): void {
  const protocol =
    env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol !== undefined && protocol !== SUPPORTED_PROTOCOL) {
    logger.warn(
      `OTLP protocol "${protocol}" is not supported by tokenmeter/register; ` +
        `exporting ${signal.toLowerCase()} with ${SUPPORTED_PROTOCOL}. ` +
        'Set up the SDK yourself to use another protocol.',
    );
  }
}

function warnUnsupported(variable: string, name: string): void {
  logger.warn(
    `Unsupported ${variable} value "${name}": tokenmeter/register ` +
      'supports otlp, console and none.',
  );
}
