import type { Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';

/** One data point of a collected metric, flattened for assertions. */
export interface MetricPoint {
  name: string;
  unit: string;
  attributes: Attributes;
  /** The value of a sum or gauge. */
  value?: number;
  /** The count, sum and bucket counts of a histogram. */
  count?: number;
  sum?: number;
  boundaries?: number[];
  bucketCounts?: number[];
}

/** A metric reader that only collects when asked. */
class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestMetrics {
  meterProvider: MeterProvider;
  /** Collects every data point recorded so far (cumulative). */
  collect(): Promise<MetricPoint[]>;
  shutdown(): Promise<void>;
}

/** A meter provider whose metrics a test collects on demand. */
export function setupMetrics(): TestMetrics {
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  return {
    meterProvider,
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          metric.dataPoints.map((point) =>
            flatten(
              metric.descriptor.name,
              metric.descriptor.unit,
              metric.dataPointType,
              point,
            ),
          ),
        ),
      );
    },
    shutdown: () => meterProvider.shutdown(),
  };
}

function flatten(
  name: string,
  unit: string,
  type: DataPointType,
  point: { attributes: Attributes; value: unknown },
): MetricPoint {
  if (type !== DataPointType.HISTOGRAM) {
    return {
      name,
      unit,
      attributes: point.attributes,
      value: point.value as number,
    };
  }

  const histogram = point.value as {
    count: number;
    sum?: number;
    buckets: { boundaries: number[]; counts: number[] };
  };
  return {
    name,
    unit,
    attributes: point.attributes,
    count: histogram.count,
    sum: histogram.sum,
    boundaries: histogram.buckets.boundaries,
    bucketCounts: histogram.buckets.counts,
  };
}

/** The points of one metric whose attributes include `attributes`. */
export function pointsOf(
  points: MetricPoint[],
  name: string,
  attributes: Attributes = {},
): MetricPoint[] {
  return points.filter(
    (point) =>
      point.name === name &&
      Object.entries(attributes).every(
        ([key, value]) => point.attributes[key] === value,
      ),
  );
}

/** The sum of the values of the matching points of a sum metric. */
export function total(
  points: MetricPoint[],
  name: string,
  attributes: Attributes = {},
): number {
  return pointsOf(points, name, attributes).reduce(
    (sum, point) => sum + (point.value ?? 0),
    0,
  );
}
