import {
  metrics,
  type Attributes,
  type Histogram,
  type Meter,
  type MeterProvider,
} from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_TOKENMETER_BUDGET_LIMIT,
  ATTR_TOKENMETER_BUDGET_MODE,
  ATTR_TOKENMETER_COMPONENT,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_REASON,
  ATTR_TOKENMETER_SAVING_REASON,
  ATTR_TOKENMETER_TOKEN_TYPE,
  GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS,
  INTERACTION_CALLS_BUCKETS,
  INTERACTION_COST_BUCKETS,
  METRIC_TOKENMETER_BUDGET_EXCEEDED,
  METRIC_TOKENMETER_COST,
  METRIC_TOKENMETER_COST_SAVED,
  METRIC_TOKENMETER_INTERACTION_CALLS,
  METRIC_TOKENMETER_INTERACTION_COST,
  METRIC_TOKENMETER_INTERACTION_TOKENS,
  METRIC_TOKENMETER_INTERACTIONS,
  METRIC_TOKENMETER_INTERACTIONS_EVICTED,
  METRIC_TOKENMETER_SKIPPED,
  METRIC_TOKENMETER_UNPRICED,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
  TOKENMETER_SCOPE,
} from '../semconv.js';
import { VERSION } from '../version.js';
import { CounterSeries } from './series.js';
import {
  inferenceTokenMetrics,
  tokenUsageHistogram,
  type TokenMetrics,
} from './token-metrics.js';
import type { InteractionTotals, PricedCall } from './types.js';
import { ValueLimiter } from './value-limiter.js';

interface Instruments {
  cost: CounterSeries;
  saved: CounterSeries;
  unpriced: CounterSeries;
  skipped: CounterSeries;
  interactions: CounterSeries;
  interactionsEvicted: CounterSeries;
  budgetExceeded: CounterSeries;
  tokens?: TokenMetrics;
  interactionCost: Histogram;
  interactionTokens: Histogram;
  interactionCalls: Histogram;
}

/** Options of the metrics a `CostSpanProcessor` records. */
export interface CostMetricsOptions {
  meterProvider?: MeterProvider;
  currency: string;
  /** Which GenAI token metrics to record, if any. */
  tokenMetrics: 'none' | 'token_usage' | 'latest';
  maxFeatures: number;
  maxModels: number;
}

/**
 * The attributes of one series of a call's metrics, their key, and the
 * same attributes with one more (a token type, say), built once.
 */
export class Labels {
  readonly key: string;
  readonly attributes: Attributes;
  private readonly variants = new Map<string, Map<string, Attributes>>();

  constructor(key: string, attributes: Attributes) {
    this.key = key;
    this.attributes = attributes;
  }

  /** These attributes with `name` set to `value`. */
  with(name: string, value: string): Attributes {
    let byValue = this.variants.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.variants.set(name, byValue);
    }
    let attributes = byValue.get(value);
    if (attributes === undefined) {
      attributes = { ...this.attributes, [name]: value };
      byValue.set(value, attributes);
    }
    return attributes;
  }
}

// Label sets kept for reuse by histograms; past this many, the cache
// starts over.
const MAX_CACHED_LABELS = 10_000;
const SEPARATOR = '\u0001';

/**
 * The metrics derived from priced spans. Instruments are created on first
 * use, so that a processor built before the SDK registers its global meter
 * provider still records to it. Counters are summed by tokenmeter and
 * observed at collection. Feature and model values are capped, so a stream
 * of unexpected names cannot raise the metrics' cardinality without bound.
 */
export class CostMetrics {
  private readonly options: CostMetricsOptions;
  private readonly features: ValueLimiter;
  private readonly models: ValueLimiter;

  private readonly labels = new Map<string, Labels>();
  private instruments?: Instruments;

  constructor(options: CostMetricsOptions) {
    this.options = options;
    this.features = new ValueLimiter(options.maxFeatures);
    this.models = new ValueLimiter(options.maxModels);
  }

  /** Records the cost, savings and tokens of one priced or unpriced call. */
  recordCall(priced: PricedCall): void {
    const instruments = this.get();
    const labels = this.callLabels(priced);

    if (priced.components) {
      for (const part of priced.components.parts) {
        if (part.cost > 0) {
          instruments.cost.add(
            part.cost,
            () => ({
              ...labels.attributes,
              [ATTR_TOKENMETER_TOKEN_TYPE]: part.tokenType,
              [ATTR_TOKENMETER_COMPONENT]: part.component,
            }),
            labels.key,
            part.tokenType,
            part.component,
          );
        }
      }
    } else {
      instruments.unpriced.add(1, () => labels.attributes, labels.key);
    }

    for (const saving of priced.savings) {
      instruments.saved.add(
        saving.amount,
        () => labels.with(ATTR_TOKENMETER_SAVING_REASON, saving.reason),
        labels.key,
        saving.reason,
      );
    }
    instruments.tokens?.record(priced.call.usage, labels);
  }

  /** Records money a call did not spend without being a call itself. */
  recordSaving(priced: PricedCall): void {
    const instruments = this.get();
    const labels = this.callLabels(priced);
    for (const saving of priced.savings) {
      instruments.saved.add(
        saving.amount,
        () => labels.with(ATTR_TOKENMETER_SAVING_REASON, saving.reason),
        labels.key,
        saving.reason,
      );
    }
  }

  /** Counts a GenAI span whose usage was invalid and so not counted. */
  recordSkipped(reason: string): void {
    this.get().skipped.add(
      1,
      () => ({ [ATTR_TOKENMETER_REASON]: reason }),
      reason,
    );
  }

  /** Counts a call that went over a budget. */
  recordBudgetExceeded(feature: string, limit: string, mode: string): void {
    const limited = this.features.limit(feature);
    this.get().budgetExceeded.add(
      1,
      () => ({
        [ATTR_TOKENMETER_FEATURE]: limited,
        [ATTR_TOKENMETER_BUDGET_LIMIT]: limit,
        [ATTR_TOKENMETER_BUDGET_MODE]: mode,
      }),
      limited,
      limit,
      mode,
    );
  }

  /** Records one finished interaction. */
  recordInteraction(totals: InteractionTotals): void {
    const instruments = this.get();
    const labels = this.featureLabels(totals.feature, totals.dimensions);

    instruments.interactions.add(1, () => labels.attributes, labels.key);
    instruments.interactionCost.record(totals.cost, labels.attributes);
    instruments.interactionCalls.record(totals.calls, labels.attributes);
    instruments.interactionTokens.record(
      totals.inputTokens,
      labels.with(ATTR_TOKENMETER_TOKEN_TYPE, TOKEN_TYPE_INPUT),
    );
    instruments.interactionTokens.record(
      totals.outputTokens,
      labels.with(ATTR_TOKENMETER_TOKEN_TYPE, TOKEN_TYPE_OUTPUT),
    );
  }

  /** Counts an interaction dropped from the ledger before it ended. */
  recordEvicted(totals: InteractionTotals): void {
    const labels = this.featureLabels(totals.feature, totals.dimensions);
    this.get().interactionsEvicted.add(1, () => labels.attributes, labels.key);
  }

  private callLabels(priced: PricedCall): Labels {
    const call = priced.call;
    const values = [
      this.features.limit(priced.feature),
      call.provider ?? '',
      call.operation ?? '',
      call.requestModel === undefined
        ? ''
        : this.models.limit(call.requestModel),
      call.responseModel === undefined
        ? ''
        : this.models.limit(call.responseModel),
      call.serverAddress ?? '',
    ];
    const key = values.join(SEPARATOR) + dimensionsKey(priced.dimensions);
    return this.cached(key, () => {
      const result: Attributes = { [ATTR_TOKENMETER_FEATURE]: values[0] };
      putText(result, ATTR_GEN_AI_PROVIDER_NAME, call.provider);
      putText(result, ATTR_GEN_AI_OPERATION_NAME, call.operation);
      putText(
        result,
        ATTR_GEN_AI_REQUEST_MODEL,
        call.requestModel && values[3],
      );
      putText(
        result,
        ATTR_GEN_AI_RESPONSE_MODEL,
        call.responseModel && values[4],
      );
      putText(result, ATTR_SERVER_ADDRESS, call.serverAddress);
      return { ...result, ...priced.dimensions };
    });
  }

  private featureLabels(
    feature: string,
    dimensions: Attributes | undefined,
  ): Labels {
    const limited = this.features.limit(feature);
    const key = `feature${SEPARATOR}${limited}${dimensionsKey(dimensions)}`;
    return this.cached(key, () => ({
      [ATTR_TOKENMETER_FEATURE]: limited,
      ...dimensions,
    }));
  }

  private cached(key: string, build: () => Attributes): Labels {
    let labels = this.labels.get(key);
    if (labels === undefined) {
      if (this.labels.size >= MAX_CACHED_LABELS) {
        this.labels.clear();
      }
      labels = new Labels(key, build());
      this.labels.set(key, labels);
    }
    return labels;
  }

  private get(): Instruments {
    this.instruments ??= this.create();
    return this.instruments;
  }

  private create(): Instruments {
    const provider = this.options.meterProvider ?? metrics.getMeterProvider();
    const meter = provider.getMeter(TOKENMETER_SCOPE, VERSION);
    const currency = this.options.currency;
    const counter = (name: string, description: string, unit: string) =>
      new CounterSeries(meter, name, description, unit);

    return {
      cost: counter(
        METRIC_TOKENMETER_COST,
        'Money spent on model calls.',
        currency,
      ),
      saved: counter(
        METRIC_TOKENMETER_COST_SAVED,
        'Money model calls did not spend, by reason.',
        currency,
      ),
      unpriced: counter(
        METRIC_TOKENMETER_UNPRICED,
        'Model calls whose model has no known price.',
        '{call}',
      ),
      skipped: counter(
        METRIC_TOKENMETER_SKIPPED,
        'GenAI spans not counted because their usage was invalid.',
        '{span}',
      ),
      interactions: counter(
        METRIC_TOKENMETER_INTERACTIONS,
        'Finished interactions: user requests to an AI feature.',
        '{interaction}',
      ),
      interactionsEvicted: counter(
        METRIC_TOKENMETER_INTERACTIONS_EVICTED,
        'Interactions dropped from the ledger because their span did not end in time.',
        '{interaction}',
      ),
      budgetExceeded: counter(
        METRIC_TOKENMETER_BUDGET_EXCEEDED,
        'Model calls that went over a budget.',
        '{call}',
      ),
      tokens: this.createTokenMetrics(meter),
      ...this.createHistograms(meter, currency),
    };
  }

  private createHistograms(meter: Meter, currency: string) {
    return {
      interactionCost: meter.createHistogram(
        METRIC_TOKENMETER_INTERACTION_COST,
        {
          description: 'Cost of one interaction.',
          unit: currency,
          advice: { explicitBucketBoundaries: [...INTERACTION_COST_BUCKETS] },
        },
      ),
      interactionTokens: meter.createHistogram(
        METRIC_TOKENMETER_INTERACTION_TOKENS,
        {
          description: 'Tokens of one interaction, by token type.',
          unit: '{token}',
          advice: {
            explicitBucketBoundaries: [...GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS],
          },
        },
      ),
      interactionCalls: meter.createHistogram(
        METRIC_TOKENMETER_INTERACTION_CALLS,
        {
          description: 'Model calls made by one interaction.',
          unit: '{call}',
          advice: { explicitBucketBoundaries: [...INTERACTION_CALLS_BUCKETS] },
        },
      ),
    };
  }

  private createTokenMetrics(meter: Meter): TokenMetrics | undefined {
    switch (this.options.tokenMetrics) {
      case 'token_usage':
        return tokenUsageHistogram(meter);
      case 'latest':
        return inferenceTokenMetrics(meter);
      default:
        return undefined;
    }
  }
}

function dimensionsKey(dimensions: Attributes | undefined): string {
  if (dimensions === undefined) {
    return '';
  }
  let key = '';
  for (const name in dimensions) {
    key += `${SEPARATOR}${name}=${String(dimensions[name])}`;
  }
  return key;
}

function putText(
  attributes: Attributes,
  name: string,
  value: string | undefined,
): void {
  if (value !== undefined && value !== '') {
    attributes[name] = value;
  }
}
