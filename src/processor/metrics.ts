import {
  metrics,
  type Attributes,
  type Counter,
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
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_REASON,
  ATTR_TOKENMETER_TOKEN_TYPE,
  GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS,
  INTERACTION_CALLS_BUCKETS,
  INTERACTION_COST_BUCKETS,
  METRIC_TOKENMETER_COST,
  METRIC_TOKENMETER_INTERACTION_CALLS,
  METRIC_TOKENMETER_INTERACTION_COST,
  METRIC_TOKENMETER_INTERACTION_TOKENS,
  METRIC_TOKENMETER_INTERACTIONS,
  METRIC_TOKENMETER_INTERACTIONS_EVICTED,
  METRIC_TOKENMETER_SKIPPED,
  METRIC_TOKENMETER_UNPRICED,
  TOKEN_TYPE_CACHE_READ,
  TOKEN_TYPE_CACHE_WRITE,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_INPUT_AUDIO,
  TOKEN_TYPE_INPUT_IMAGE,
  TOKEN_TYPE_OUTPUT,
  TOKEN_TYPE_OUTPUT_AUDIO,
  TOKEN_TYPE_OUTPUT_IMAGE,
  TOKEN_TYPE_REASONING,
  TOKEN_TYPE_REQUEST,
  TOKEN_TYPE_WEB_SEARCH,
  TOKENMETER_SCOPE,
} from '../semconv.js';
import { VERSION } from '../version.js';
import {
  inferenceTokenMetrics,
  tokenUsageHistogram,
  type TokenMetrics,
} from './token-metrics.js';
import { ValueLimiter } from './value-limiter.js';
import type { InteractionTotals, PricedCall } from './types.js';

interface Instruments {
  cost: Counter;
  tokens?: TokenMetrics;
  unpriced: Counter;
  skipped: Counter;
  interactions: Counter;
  interactionsEvicted: Counter;
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
 * The metrics derived from priced spans. Instruments are created on first
 * use, so that a processor built before the SDK registers its global meter
 * provider still records to it. Feature and model values are capped, so a
 * stream of unexpected names cannot raise the metrics' cardinality without
 * bound.
 */
export class CostMetrics {
  private readonly options: CostMetricsOptions;
  private readonly features: ValueLimiter;
  private readonly models: ValueLimiter;

  private instruments?: Instruments;

  constructor(options: CostMetricsOptions) {
    this.options = options;
    this.features = new ValueLimiter(options.maxFeatures);
    this.models = new ValueLimiter(options.maxModels);
  }

  /** Records the cost and tokens of one priced or unpriced call. */
  recordCall(call: PricedCall): void {
    const instruments = this.get();
    const attributes = this.callAttributes(call);

    if (call.cost) {
      const parts: [string, number][] = [
        [TOKEN_TYPE_INPUT, call.cost.input],
        [TOKEN_TYPE_CACHE_READ, call.cost.cacheRead],
        [TOKEN_TYPE_CACHE_WRITE, call.cost.cacheWrite],
        [TOKEN_TYPE_OUTPUT, call.cost.output],
        [TOKEN_TYPE_REASONING, call.cost.reasoning],
        [TOKEN_TYPE_INPUT_AUDIO, call.cost.inputAudio],
        [TOKEN_TYPE_OUTPUT_AUDIO, call.cost.outputAudio],
        [TOKEN_TYPE_INPUT_IMAGE, call.cost.inputImage],
        [TOKEN_TYPE_OUTPUT_IMAGE, call.cost.outputImage],
        [TOKEN_TYPE_WEB_SEARCH, call.cost.webSearch],
        [TOKEN_TYPE_REQUEST, call.cost.request],
      ];
      for (const [type, amount] of parts) {
        if (amount > 0) {
          instruments.cost.add(amount, {
            ...attributes,
            [ATTR_TOKENMETER_TOKEN_TYPE]: type,
          });
        }
      }
    } else {
      instruments.unpriced.add(1, attributes);
    }

    instruments.tokens?.record(call.call.usage, attributes);
  }

  /** Counts a GenAI span whose usage was invalid and so not counted. */
  recordSkipped(reason: string): void {
    this.get().skipped.add(1, { [ATTR_TOKENMETER_REASON]: reason });
  }

  /** Records one finished interaction. */
  recordInteraction(totals: InteractionTotals): void {
    const instruments = this.get();
    const attributes = {
      [ATTR_TOKENMETER_FEATURE]: this.features.limit(totals.feature),
    };

    instruments.interactions.add(1, attributes);
    instruments.interactionCost.record(totals.cost, attributes);
    instruments.interactionCalls.record(totals.calls, attributes);
    instruments.interactionTokens.record(totals.inputTokens, {
      ...attributes,
      [ATTR_TOKENMETER_TOKEN_TYPE]: TOKEN_TYPE_INPUT,
    });
    instruments.interactionTokens.record(totals.outputTokens, {
      ...attributes,
      [ATTR_TOKENMETER_TOKEN_TYPE]: TOKEN_TYPE_OUTPUT,
    });
  }

  /** Counts an interaction dropped from the ledger before it ended. */
  recordEvicted(feature: string): void {
    this.get().interactionsEvicted.add(1, {
      [ATTR_TOKENMETER_FEATURE]: this.features.limit(feature),
    });
  }

  private callAttributes(priced: PricedCall): Attributes {
    const call = priced.call;
    const attributes: Attributes = {
      [ATTR_TOKENMETER_FEATURE]: this.features.limit(priced.feature),
    };
    putText(attributes, ATTR_GEN_AI_PROVIDER_NAME, call.provider);
    putText(attributes, ATTR_GEN_AI_OPERATION_NAME, call.operation);
    putText(attributes, ATTR_SERVER_ADDRESS, call.serverAddress);
    if (call.requestModel !== undefined) {
      attributes[ATTR_GEN_AI_REQUEST_MODEL] = this.models.limit(
        call.requestModel,
      );
    }
    if (call.responseModel !== undefined) {
      attributes[ATTR_GEN_AI_RESPONSE_MODEL] = this.models.limit(
        call.responseModel,
      );
    }
    return attributes;
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

  private get(): Instruments {
    this.instruments ??= this.create();
    return this.instruments;
  }

  private create(): Instruments {
    const provider = this.options.meterProvider ?? metrics.getMeterProvider();
    const meter = provider.getMeter(TOKENMETER_SCOPE, VERSION);
    const currency = this.options.currency;

    return {
      cost: meter.createCounter(METRIC_TOKENMETER_COST, {
        description: 'Money spent on model calls.',
        unit: currency,
      }),
      tokens: this.createTokenMetrics(meter),
      unpriced: meter.createCounter(METRIC_TOKENMETER_UNPRICED, {
        description: 'Model calls whose model has no known price.',
        unit: '{call}',
      }),
      skipped: meter.createCounter(METRIC_TOKENMETER_SKIPPED, {
        description: 'GenAI spans not counted because their usage was invalid.',
        unit: '{span}',
      }),
      interactions: meter.createCounter(METRIC_TOKENMETER_INTERACTIONS, {
        description: 'Finished interactions: user requests to an AI feature.',
        unit: '{interaction}',
      }),
      interactionsEvicted: meter.createCounter(
        METRIC_TOKENMETER_INTERACTIONS_EVICTED,
        {
          description:
            'Interactions dropped from the ledger because their span ' +
            'did not end in time.',
          unit: '{interaction}',
        },
      ),
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
          advice: {
            explicitBucketBoundaries: [...INTERACTION_CALLS_BUCKETS],
          },
        },
      ),
    };
  }
}

function putText(
  attributes: Attributes,
  name: string,
  value: string | undefined,
): void {
  if (value !== undefined) {
    attributes[name] = value;
  }
}
