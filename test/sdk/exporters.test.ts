import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';

import {
  metricReaders,
  spanExportProcessors,
} from '../../src/sdk/exporters.js';
import { startTokenmeter } from '../../src/sdk/start.js';

describe('spanExportProcessors', () => {
  it('exports over OTLP by default', () => {
    const processors = spanExportProcessors({});

    expect(processors).toHaveLength(1);
    expect(processors[0]).toBeInstanceOf(BatchSpanProcessor);
  });

  it('follows OTEL_TRACES_EXPORTER', () => {
    expect(spanExportProcessors({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(
      spanExportProcessors({ OTEL_TRACES_EXPORTER: 'console' })[0],
    ).toBeInstanceOf(SimpleSpanProcessor);
    expect(
      spanExportProcessors({ OTEL_TRACES_EXPORTER: 'otlp, console' }),
    ).toHaveLength(2);
    expect(spanExportProcessors({ OTEL_TRACES_EXPORTER: 'otlp,none' })).toEqual(
      [],
    );
    expect(spanExportProcessors({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(
      [],
    );
  });
});

describe('metricReaders', () => {
  it('exports over OTLP by default', () => {
    const readers = metricReaders({});

    expect(readers).toHaveLength(1);
    expect(readers[0]).toBeInstanceOf(PeriodicExportingMetricReader);
  });

  it('follows OTEL_METRICS_EXPORTER', () => {
    expect(metricReaders({ OTEL_METRICS_EXPORTER: 'none' })).toEqual([]);
    expect(metricReaders({ OTEL_METRICS_EXPORTER: 'console' })).toHaveLength(1);
    expect(metricReaders({ OTEL_METRICS_EXPORTER: 'prometheus' })).toEqual([]);
  });

  it('falls back to 60 seconds for an invalid interval', () => {
    const [reader] = metricReaders({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' });

    expect(reader).toBeInstanceOf(PeriodicExportingMetricReader);
  });
});

describe('startTokenmeter', () => {
  it('starts nothing when OTEL_SDK_DISABLED is true', () => {
    expect(
      startTokenmeter({ env: { OTEL_SDK_DISABLED: 'TRUE' } }),
    ).toBeUndefined();
  });
});
