import { propagation, type Attributes, type Context } from '@opentelemetry/api';

import { ValueLimiter } from './value-limiter.js';

/** Attributes a span takes from the baggage of its context. */
export interface BaggageDimensions {
  /** For metrics: allowed keys, values capped. */
  metric?: Attributes;
  /** For the span: any configured key. */
  span?: Attributes;
}

/**
 * Turns W3C Baggage entries into attributes: those of `metricKeys` for
 * metrics, each key's distinct values capped, and those of `spanKeys`
 * (`*` for all) for spans.
 */
export class BaggageReader {
  private readonly metricKeys: readonly string[];
  private readonly spanKeys: readonly string[];
  private readonly allSpanKeys: boolean;
  private readonly limiters = new Map<string, ValueLimiter>();

  constructor(
    metricKeys: readonly string[],
    spanKeys: readonly string[],
    maxValues: number,
  ) {
    this.metricKeys = metricKeys;
    this.spanKeys = spanKeys.filter((key) => key !== '*');
    this.allSpanKeys = spanKeys.includes('*');
    for (const key of metricKeys) {
      this.limiters.set(key, new ValueLimiter(maxValues));
    }
  }

  /** True when any key is configured, so that contexts need reading. */
  get active(): boolean {
    return (
      this.metricKeys.length > 0 || this.spanKeys.length > 0 || this.allSpanKeys
    );
  }

  /** Reads the dimensions of a context; undefined when it has none. */
  read(context: Context): BaggageDimensions | undefined {
    const baggage = propagation.getBaggage(context);
    if (baggage === undefined) {
      return undefined;
    }

    const metric: Attributes = {};
    for (const key of this.metricKeys) {
      const value = baggage.getEntry(key)?.value;
      if (value !== undefined) {
        metric[key] = this.limiters.get(key)!.limit(value);
      }
    }

    const span: Attributes = {};
    const entries = this.allSpanKeys
      ? baggage.getAllEntries()
      : this.spanKeys.map((key) => [key, baggage.getEntry(key)] as const);
    for (const [key, entry] of entries) {
      if (entry !== undefined) {
        span[key] = entry.value;
      }
    }
    return {
      metric: Object.keys(metric).length > 0 ? metric : undefined,
      span: Object.keys(span).length > 0 ? span : undefined,
    };
  }
}
