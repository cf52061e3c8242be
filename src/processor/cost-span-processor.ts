import type { Attributes, Context } from '@opentelemetry/api';
import type {
  ReadableSpan,
  Span,
  SpanProcessor,
} from '@opentelemetry/sdk-trace';

import { scopeOf, type InteractionScope } from '../interaction/scope.js';
import { describeError, logger, warnOnce } from '../internal/diag.js';
import { PriceCatalog } from '../pricing/catalog.js';
import { computeCost } from '../pricing/cost.js';
import { loadPriceFile, validateOverrides } from '../pricing/overrides.js';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_TOKENMETER_COST_CACHE_READ,
  ATTR_TOKENMETER_COST_CACHE_WRITE,
  ATTR_TOKENMETER_COST_INPUT,
  ATTR_TOKENMETER_COST_INPUT_AUDIO,
  ATTR_TOKENMETER_COST_INPUT_IMAGE,
  ATTR_TOKENMETER_COST_OUTPUT_AUDIO,
  ATTR_TOKENMETER_COST_OUTPUT_IMAGE,
  ATTR_TOKENMETER_COST_WEB_SEARCH,
  ATTR_TOKENMETER_COST_OUTPUT,
  ATTR_TOKENMETER_COST_REASONING,
  ATTR_TOKENMETER_COST_REQUEST,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_INTERACTION_CALLS,
  ATTR_TOKENMETER_INTERACTION_COST,
  ATTR_TOKENMETER_INTERACTION_ID,
  ATTR_TOKENMETER_INTERACTION_INPUT_TOKENS,
  ATTR_TOKENMETER_INTERACTION_OUTPUT_TOKENS,
  ATTR_TOKENMETER_INTERACTION_UNPRICED_CALLS,
  ATTR_TOKENMETER_PRICE_MODEL,
  ATTR_TOKENMETER_PRICE_PROVIDER,
  ATTR_TOKENMETER_PRICE_SERVICE_TIER,
  ATTR_TOKENMETER_PRICE_SOURCE,
  ATTR_TOKENMETER_SKIPPED,
  ATTR_TOKENMETER_UNPRICED,
  GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL,
  TOKENMETER_SKIPPED_VALUE_COUNTED_IN_DESCENDANT,
  TOKENMETER_SKIPPED_VALUE_INVALID_USAGE,
} from '../semconv.js';
import { readGenAiCall } from '../usage/read-call.js';
import type { GenAiCall } from '../usage/types.js';
import { CountedDescendants } from './counted-descendants.js';
import { emptyTotals, InteractionLedger } from './ledger.js';
import { CostMetrics } from './metrics.js';
import { resolveOptions, type CostSpanProcessorOptions } from './options.js';
import type { PricedCall } from './types.js';

const CURRENCY = 'USD';
// Open spans with counted GenAI descendants that are tracked at once; each
// entry lives until its span ends, so this bounds only leaked entries.
const MAX_MARKED_SPANS = 10_000;

/** The interaction a span was started in, and whether it opened it. */
interface SpanScope {
  scope: InteractionScope;
  /** True for the span `withInteraction` opened. */
  owner: boolean;
}

/** The findings of `onEnding` about a span, for `onEnd` to record. */
interface EndingSpan {
  priced?: PricedCall;
  skipped?: boolean;
  /** Set when the span is an interaction whose totals are recorded. */
  interaction?: { key: string; feature: string; explicit: boolean };
}

/**
 * Prices every span that carries GenAI usage, whichever instrumentation
 * wrote it, and derives cost metrics. In `onEnding` it writes the cost onto
 * the span (`gen_ai.usage.cost.*`, the cost by token type and the prices
 * used) and adds the call to its interaction. In `onEnd` it records the
 * metrics. An interaction is the span opened by `withInteraction`, or else
 * the local root span of the calls; its totals are written onto its span.
 *
 * Never throws from `onStart`, `onEnding` or `onEnd`: failures are logged
 * through the OpenTelemetry `diag` logger.
 */
export class CostSpanProcessor implements SpanProcessor {
  private readonly catalog: PriceCatalog;
  private readonly costMetrics: CostMetrics;
  private readonly ledger: InteractionLedger;
  private readonly defaultFeature: string;

  private readonly scopes = new WeakMap<object, SpanScope>();
  private readonly ending = new WeakMap<object, EndingSpan>();
  private readonly countedDescendants = new CountedDescendants(
    MAX_MARKED_SPANS,
  );
  private stopped = false;

  /**
   * Reads and checks the price overrides, so that a malformed price file
   * fails at start-up: throws `PriceConfigError` naming the file, the field
   * and the fix, or `TypeError` for an invalid option.
   */
  constructor(options: CostSpanProcessorOptions = {}) {
    const resolved = resolveOptions(options);
    const overrides = [
      ...validateOverrides(resolved.prices, 'options.prices', 'prices'),
      ...(resolved.pricesFile ? loadPriceFile(resolved.pricesFile) : []),
    ];

    this.catalog = new PriceCatalog(overrides);
    this.defaultFeature = resolved.defaultFeature;
    this.costMetrics = new CostMetrics({
      meterProvider: resolved.meterProvider,
      currency: CURRENCY,
      tokenMetrics: resolved.tokenMetrics,
      maxFeatures: resolved.maxFeatures,
      maxModels: resolved.maxModels,
    });
    this.ledger = new InteractionLedger({
      timeoutMs: resolved.interactionTimeoutMs,
      maxOpen: resolved.maxOpenInteractions,
      onEvict: (totals) => this.costMetrics.recordEvicted(totals.feature),
    });
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      const scope = scopeOf(parentContext);
      if (scope === undefined) {
        return;
      }
      const owner =
        scope.local &&
        span.attributes[ATTR_TOKENMETER_INTERACTION_ID] === scope.id;
      this.scopes.set(span, { scope, owner });
    } catch (error) {
      logger.error(`CostSpanProcessor.onStart failed: ${describeError(error)}`);
    }
  }

  onEnding(span: Span): void {
    try {
      const scope = this.scopes.get(span);
      const ending: EndingSpan = {};
      const hasCountedDescendant = this.countedDescendants.take(
        span.spanContext().spanId,
      );

      this.priceSpan(span, scope?.scope, ending, hasCountedDescendant);
      if (ending.priced || hasCountedDescendant) {
        this.countedDescendants.markParentOf(span);
      }
      const interaction = this.interactionOf(span, scope);
      if (interaction) {
        ending.interaction = interaction;
        this.writeTotals(span, interaction);
      }
      if (ending.priced || ending.skipped || ending.interaction) {
        this.ending.set(span, ending);
      }
    } catch (error) {
      logger.error(
        `CostSpanProcessor.onEnding failed: ${describeError(error)}`,
      );
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const ending = this.ending.get(span);
      if (ending === undefined) {
        return;
      }
      this.ending.delete(span);
      this.record(ending);
    } catch (error) {
      logger.error(`CostSpanProcessor.onEnd failed: ${describeError(error)}`);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Stops the ledger's timer. Safe to call more than once. */
  shutdown(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.ledger.stop();
    }
    return Promise.resolve();
  }

  /**
   * Prices the call a span describes, unless a descendant already counted
   * it: the innermost span with usage is counted, and the spans around it
   * that sum its usage are marked as counted in a descendant.
   */
  private priceSpan(
    span: Span,
    scope: InteractionScope | undefined,
    ending: EndingSpan,
    hasCountedDescendant: boolean,
  ): void {
    const reading = readGenAiCall(
      span.attributes,
      span.instrumentationScope?.name,
    );
    if (reading.kind === 'none') {
      return;
    }
    if (hasCountedDescendant) {
      span.setAttribute(
        ATTR_TOKENMETER_SKIPPED,
        TOKENMETER_SKIPPED_VALUE_COUNTED_IN_DESCENDANT,
      );
      return;
    }
    if (reading.kind === 'invalid') {
      this.skip(span, reading.attribute, reading.reason);
      ending.skipped = true;
      return;
    }

    const priced = this.price(reading.call, span, scope);
    ending.priced = priced;
    const key = this.ledgerKey(span, scope);
    if (key !== undefined) {
      this.ledger.add(key, priced.feature, priced);
    }
  }

  private price(
    call: GenAiCall,
    span: Span,
    scope: InteractionScope | undefined,
  ): PricedCall {
    const feature = scope?.feature || this.defaultFeature;
    const attributes: Attributes = { [ATTR_TOKENMETER_FEATURE]: feature };
    if (scope?.id) {
      attributes[ATTR_TOKENMETER_INTERACTION_ID] = scope.id;
    }

    const priced: PricedCall = { call, feature };
    const model = call.responseModel ?? call.requestModel;
    const lookup =
      model === undefined
        ? undefined
        : this.catalog.lookup(call.provider, model);

    if (lookup?.found) {
      const rates = lookup.match.ratesFor(
        endTimeMs(span),
        call.usage.serviceTier,
      );
      priced.cost = computeCost(call.usage, rates.prices);
      Object.assign(
        attributes,
        costAttributes(priced, lookup.match, rates.appliedTier),
      );
    } else {
      attributes[ATTR_TOKENMETER_UNPRICED] = true;
      warnUnpriced(call, model);
    }

    span.setAttributes(attributes);
    return priced;
  }

  private skip(span: Span, attribute: string, reason: string): void {
    span.setAttribute(
      ATTR_TOKENMETER_SKIPPED,
      TOKENMETER_SKIPPED_VALUE_INVALID_USAGE,
    );
    warnOnce(
      `invalid:${attribute}`,
      `Skipped the usage of GenAI span "${span.name}": ${attribute}: ` +
        `${reason}. Its cost is not counted; such spans are counted in ` +
        'tokenmeter.skipped. Fix the instrumentation that sets it.',
    );
  }

  /** The ledger key of a call: its interaction's, if this process owns it. */
  private ledgerKey(
    span: Span,
    scope: InteractionScope | undefined,
  ): string | undefined {
    if (scope === undefined) {
      return `trace:${span.spanContext().traceId}`;
    }
    return scope.local ? `interaction:${scope.id}` : undefined;
  }

  private interactionOf(
    span: Span,
    scope: SpanScope | undefined,
  ): EndingSpan['interaction'] {
    if (scope?.owner) {
      const { id, feature } = scope.scope;
      return { key: `interaction:${id}`, feature, explicit: true };
    }
    if (scope !== undefined || !isLocalRoot(span)) {
      return undefined;
    }

    const key = `trace:${span.spanContext().traceId}`;
    const totals = this.ledger.peek(key);
    return totals && { key, feature: totals.feature, explicit: false };
  }

  private writeTotals(
    span: Span,
    interaction: NonNullable<EndingSpan['interaction']>,
  ): void {
    const totals =
      this.ledger.peek(interaction.key) ?? emptyTotals(interaction.feature, 0);
    span.setAttributes({
      [ATTR_TOKENMETER_FEATURE]: interaction.feature,
      [ATTR_TOKENMETER_INTERACTION_COST]: totals.cost,
      [ATTR_TOKENMETER_INTERACTION_INPUT_TOKENS]: totals.inputTokens,
      [ATTR_TOKENMETER_INTERACTION_OUTPUT_TOKENS]: totals.outputTokens,
      [ATTR_TOKENMETER_INTERACTION_CALLS]: totals.calls,
      [ATTR_TOKENMETER_INTERACTION_UNPRICED_CALLS]: totals.unpricedCalls,
    });
  }

  private record(ending: EndingSpan): void {
    if (ending.skipped) {
      this.costMetrics.recordSkipped(TOKENMETER_SKIPPED_VALUE_INVALID_USAGE);
    }
    if (ending.priced) {
      this.costMetrics.recordCall(ending.priced);
    }

    const interaction = ending.interaction;
    if (interaction) {
      const totals =
        this.ledger.close(interaction.key) ??
        (interaction.explicit
          ? emptyTotals(interaction.feature, 0)
          : undefined);
      if (totals) {
        this.costMetrics.recordInteraction(totals);
      }
    }
  }
}

function costAttributes(
  priced: PricedCall,
  match: { providerId: string; modelId: string; source: string },
  serviceTier: string | undefined,
): Attributes {
  const cost = priced.cost;
  if (!cost) {
    return {};
  }
  const attributes: Attributes = {
    [ATTR_GEN_AI_USAGE_COST_AMOUNT]: cost.total,
    [ATTR_GEN_AI_USAGE_COST_CURRENCY]: CURRENCY,
    [ATTR_GEN_AI_USAGE_COST_SOURCE]: GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL,
    [ATTR_TOKENMETER_COST_INPUT]: cost.input,
    [ATTR_TOKENMETER_COST_CACHE_READ]: cost.cacheRead,
    [ATTR_TOKENMETER_COST_CACHE_WRITE]: cost.cacheWrite,
    [ATTR_TOKENMETER_COST_OUTPUT]: cost.output,
    [ATTR_TOKENMETER_COST_REASONING]: cost.reasoning,
    [ATTR_TOKENMETER_PRICE_PROVIDER]: match.providerId,
    [ATTR_TOKENMETER_PRICE_MODEL]: match.modelId,
    [ATTR_TOKENMETER_PRICE_SOURCE]: match.source,
  };
  // Units most calls lack are written only when they cost something.
  const extras: [string, number][] = [
    [ATTR_TOKENMETER_COST_INPUT_AUDIO, cost.inputAudio],
    [ATTR_TOKENMETER_COST_OUTPUT_AUDIO, cost.outputAudio],
    [ATTR_TOKENMETER_COST_INPUT_IMAGE, cost.inputImage],
    [ATTR_TOKENMETER_COST_OUTPUT_IMAGE, cost.outputImage],
    [ATTR_TOKENMETER_COST_WEB_SEARCH, cost.webSearch],
    [ATTR_TOKENMETER_COST_REQUEST, cost.request],
  ];
  for (const [name, amount] of extras) {
    if (amount > 0) {
      attributes[name] = amount;
    }
  }
  if (serviceTier !== undefined) {
    attributes[ATTR_TOKENMETER_PRICE_SERVICE_TIER] = serviceTier;
  }
  return attributes;
}

function warnUnpriced(call: GenAiCall, model: string | undefined): void {
  const provider = call.provider ?? 'unknown';
  warnOnce(
    `unpriced:${provider}:${model ?? ''}`,
    `No price is known for model "${model ?? '(none)'}" of provider ` +
      `${provider}: its calls are counted in tokenmeter.unpriced and carry ` +
      'tokenmeter.unpriced=true, not a cost. Add the model to a price file ' +
      '(pricesFile option or TOKENMETER_PRICES_FILE) to price it.',
  );
}

/** Tells whether a span has no parent in this process (a root, or a remote child). */
function isLocalRoot(span: Span): boolean {
  const parent = span.parentSpanContext;
  return parent === undefined || parent.isRemote === true;
}

function endTimeMs(span: Span): number {
  const [seconds, nanos] = span.endTime;
  return seconds * 1000 + nanos / 1e6;
}
