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
 * counter when metrics are collected. Adding to it costs up to three map
 * lookups, where a synchronous counter would sort and serialize the
 * attributes on every call; the SDK sees each series once per collection
 * instead. The number of series is bounded by the callers, which cap
 * attribute values.
 *
 * A series is named by a key and up to two sub-keys, so that callers can
 * reuse one key string for several series and need not join strings on
 * every call.
 */
export class CounterSeries {
  private readonly series = new Map<string, Map<string, Map<string, Series>>>();

  constructor(meter: Meter, name: string, description: string, unit: string) {
    const counter: ObservableCounter = meter.createObservableCounter(name, {
      description,
      unit,
    });
    counter.addCallback((result) => this.observe(result));
  }

  /**
   * Adds to the series of `key`, `sub` and `sub2`, which together must
   * identify the attributes uniquely; `attributes` is called only for a
   * series not seen before.
   */
  add(
    value: number,
    attributes: () => Attributes,
    key: string,
    sub = '',
    sub2 = '',
  ): void {
    let byKey = this.series.get(key);
    if (byKey === undefined) {
      byKey = new Map();
      this.series.set(key, byKey);
    }
    let bySub = byKey.get(sub);
    if (bySub === undefined) {
      bySub = new Map();
      byKey.set(sub, bySub);
    }
    const series = bySub.get(sub2);
    if (series) {
      series.value += value;
    } else {
      bySub.set(sub2, { attributes: attributes(), value });
    }
  }

  private observe(result: ObservableResult): void {
    for (const byKey of this.series.values()) {
      for (const bySub of byKey.values()) {
        for (const series of bySub.values()) {
          result.observe(series.value, series.attributes);
        }
      }
    }
  }
}
