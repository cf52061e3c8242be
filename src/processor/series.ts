import type {
  Attributes,
  Meter,
  ObservableCounter,
  ObservableResult,
} from '@opentelemetry/api';

interface Series {
  attributes: Attributes;
  value: number;
}

/**
 * A monotonic sum kept by tokenmeter and reported through an observable
 * counter when metrics are collected. Adding to it costs one map update,
 * where a synchronous counter would sort and serialize the attributes on
 * every call; the SDK sees each series once per collection instead. The
 * number of series is bounded by the callers, which cap attribute values.
 */
export class CounterSeries {
  private readonly series = new Map<string, Series>();

  constructor(meter: Meter, name: string, description: string, unit: string) {
    const counter: ObservableCounter = meter.createObservableCounter(name, {
      description,
      unit,
    });
    counter.addCallback((result) => this.observe(result));
  }

  /**
   * Adds to the series of `key`, which must identify the attributes
   * uniquely; `attributes` is called only for a series not seen before.
   */
  add(key: string, value: number, attributes: () => Attributes): void {
    const series = this.series.get(key);
    if (series) {
      series.value += value;
    } else {
      this.series.set(key, { attributes: attributes(), value });
    }
  }

  private observe(result: ObservableResult): void {
    for (const series of this.series.values()) {
      result.observe(series.value, series.attributes);
    }
  }
}
