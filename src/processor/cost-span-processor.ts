import type { Context } from '@opentelemetry/api';
import type {
  ReadableSpan,
  Span,
  SpanProcessor,
} from '@opentelemetry/sdk-trace';

import { budgetRegistry, type SpendSource } from '../budget/registry.js';
import { takeCallAttributes } from '../interaction/call-attributes.js';
import {
  ledgerKeyOf,
  scopeOf,
  type InteractionScope,
} from '../interaction/scope.js';
import { describeError, logger, warnOnce } from '../internal/diag.js';
import { InsertionOrderedMap } from '../internal/ordered.js';
import { PriceCatalog } from '../pricing/catalog.js';
import { loadPriceFile, validateOverrides } from '../pricing/overrides.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_TOKENMETER_BUDGET_ACTION,
  ATTR_TOKENMETER_BUDGET_LIMIT,
  ATTR_TOKENMETER_BUDGET_MODE,
  ATTR_TOKENMETER_CACHE_HIT,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_INTERACTION_CALLS,
  ATTR_TOKENMETER_INTERACTION_COST,
  ATTR_TOKENMETER_INTERACTION_ID,
  ATTR_TOKENMETER_INTERACTION_INPUT_TOKENS,
  ATTR_TOKENMETER_INTERACTION_OUTPUT_TOKENS,
  ATTR_TOKENMETER_INTERACTION_UNPRICED_CALLS,
  ATTR_TOKENMETER_SKIPPED,
  EVENT_TOKENMETER_BUDGET_EXCEEDED,
  TOKENMETER_SKIPPED_VALUE_COUNTED_IN_DESCENDANT,
  TOKENMETER_SKIPPED_VALUE_INVALID_USAGE,
} from '../semconv.js';
import { readGenAiCall } from '../usage/read-call.js';
import type { CallReading } from '../usage/types.js';
import { CountedDescendants } from './counted-descendants.js';
import { BaggageReader, type BaggageDimensions } from './dimensions.js';
import { emptyTotals, InteractionLedger } from './ledger.js';
import { CostMetrics } from './metrics.js';
import { resolveOptions, type CostSpanProcessorOptions } from './options.js';
import { CURRENCY, SpanPricer } from './span-pricer.js';
import type { PricedCall } from './types.js';

// Open spans with counted GenAI descendants that are tracked at once; each
// entry lives until its span ends, so this bounds only leaked entries.
const MAX_MARKED_SPANS = 10_000;
// Open spans started in an interaction or with baggage that are tracked at
// once. Entries leave when their span ends, so only spans that never end
// reach this; past it the oldest entry is dropped.
const MAX_STARTED_SPANS = 50_000;
// Entries of ending spans wait only from onEnding to onEnd of one span.
const MAX_ENDING_SPANS = 1_000;

/** What `onStart` learnt of a span from its parent context. */
interface StartedSpan {
  scope?: InteractionScope;
  /** True for the span `withInteraction` opened. */
  owner: boolean;
  dimensions?: BaggageDimensions;
}

/** The findings of `onEnding` about a span, for `onEnd` to record. */
interface EndingSpan {
  priced?: PricedCall;
  /** A response cache hit: a saving, not a call. */
  cacheHit?: PricedCall;
  skipped?: boolean;
  /** Budget limits the call went over, with their mode. */
  budgetExceeded?: { feature: string; limit: string; mode: string }[];
  /** Set when the span is an interaction whose totals are recorded. */
  interaction?: { key: string; feature: string; explicit: boolean };
}

/**
 * Prices every span that carries GenAI usage, whichever instrumentation
 * wrote it, and derives cost metrics. In `onEnding` it writes the cost onto
 * the span (`gen_ai.usage.cost.*`, the cost by token type and component,
 * the prices used, the savings) and adds the call to its interaction. In
 * `onEnd` it records the metrics. An interaction is the span opened by
 * `withInteraction`, or else the local root span of the calls; its totals
 * are written onto its span. It is also where budget checks read what an
 * interaction has spent.
 *
 * Never throws from `onStart`, `onEnding` or `onEnd`: failures are logged
 * through the OpenTelemetry `diag` logger.
 */
export class CostSpanProcessor implements SpanProcessor {
  private readonly catalog: PriceCatalog;
  private readonly pricer: SpanPricer;
  private readonly costMetrics: CostMetrics;
  private readonly ledger: InteractionLedger;
  private readonly baggage: BaggageReader;

  // Plain maps with explicit deletes: a WeakMap entry costs several times
  // more, mostly in garbage collection (see BENCHMARKS.md).
  private readonly started = new InsertionOrderedMap<string, StartedSpan>();
  private readonly ending = new Map<object, EndingSpan>();
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
    this.pricer = new SpanPricer(this.catalog, resolved.defaultFeature);
    this.baggage = new BaggageReader(
      resolved.baggageMetricKeys,
      resolved.baggageSpanKeys,
      resolved.maxBaggageValues,
    );
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
      onEvict: (totals) => this.costMetrics.recordEvicted(totals),
    });
    budgetRegistry().setSpendSource(this.spendSource());
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      if (span.attributes[ATTR_GEN_AI_OPERATION_NAME] !== undefined) {
        adoptCallAttributes(span, parentContext);
      }
      const scope = scopeOf(parentContext);
      const dimensions = this.baggage.active
        ? this.baggage.read(parentContext)
        : undefined;
      if (scope === undefined && dimensions === undefined) {
        return;
      }
      const owner =
        scope !== undefined &&
        scope.local &&
        span.attributes[ATTR_TOKENMETER_INTERACTION_ID] === scope.id;
      this.remember(span.spanContext().spanId, { scope, owner, dimensions });
    } catch (error) {
      logger.error(`CostSpanProcessor.onStart failed: ${describeError(error)}`);
    }
  }

  onEnding(span: Span): void {
    try {
      const spanId = span.spanContext().spanId;
      const started =
        this.started.size > 0 ? this.started.get(spanId) : undefined;
      if (started !== undefined) {
        this.started.delete(spanId);
      }
      const hasCountedDescendant =
        this.countedDescendants.size > 0 &&
        this.countedDescendants.take(spanId);
      // Most spans are not GenAI and end no interaction: they allocate
      // nothing here.
      let ending: EndingSpan | undefined;

      const reading = readGenAiCall(
        span.attributes,
        span.instrumentationScope?.name,
      );
      if (reading.kind !== 'none') {
        ending = {};
        this.priceSpan(span, reading, started, ending, hasCountedDescendant);
      }
      if (ending?.priced || hasCountedDescendant) {
        this.countedDescendants.markParentOf(span);
      }
      if (span.attributes[ATTR_TOKENMETER_BUDGET_ACTION] !== undefined) {
        ending ??= {};
        ending.budgetExceeded = budgetEvents(span);
      }
      const interaction = this.interactionOf(span, started);
      if (interaction) {
        ending ??= {};
        ending.interaction = interaction;
        this.writeTotals(span, interaction, started);
      }
      if (ending !== undefined) {
        if (this.ending.size >= MAX_ENDING_SPANS) {
          // onEnd did not follow onEnding for these: another processor
          // or the SDK failed in between.
          this.ending.clear();
        }
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
      const ending = this.ending.size > 0 ? this.ending.get(span) : undefined;
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

  private remember(spanId: string, started: StartedSpan): void {
    if (this.started.size >= MAX_STARTED_SPANS) {
      const oldest = this.started.oldest();
      if (oldest !== undefined) {
        this.started.delete(oldest[0]);
      }
      warnOnce(
        'started-spans-full',
        `More than ${MAX_STARTED_SPANS} spans started in an interaction ` +
          'are open; the oldest are forgotten, so a model call under one ' +
          'of them is counted without its interaction. Check for spans ' +
          'that never end.',
      );
    }
    this.started.set(spanId, started);
  }

  /**
   * Prices the call a span describes, unless a descendant already counted
   * it: the innermost span with usage is counted, and the spans around it
   * that sum its usage are marked as counted in a descendant.
   */
  private priceSpan(
    span: Span,
    reading: Exclude<CallReading, { kind: 'none' }>,
    started: StartedSpan | undefined,
    ending: EndingSpan,
    hasCountedDescendant: boolean,
  ): void {
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

    const info = { scope: started?.scope, dimensions: started?.dimensions };
    if (span.attributes[ATTR_TOKENMETER_CACHE_HIT] === true) {
      ending.cacheHit = this.pricer.priceCacheHit(span, reading.call, info);
      return;
    }
    const priced = this.pricer.price(span, reading.call, info);
    ending.priced = priced;
    const key = ledgerKeyOf(started?.scope, span.spanContext().traceId);
    if (key !== undefined) {
      this.ledger.add(key, priced.feature, priced);
    }
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

  private interactionOf(
    span: Span,
    started: StartedSpan | undefined,
  ): EndingSpan['interaction'] {
    const scope = started?.scope;
    if (started?.owner && scope) {
      return {
        key: ledgerKeyOf(scope, '')!,
        feature: scope.feature,
        explicit: true,
      };
    }
    if (scope !== undefined || this.ledger.size === 0 || !isLocalRoot(span)) {
      return undefined;
    }

    const key = ledgerKeyOf(undefined, span.spanContext().traceId)!;
    const totals = this.ledger.peek(key);
    return totals && { key, feature: totals.feature, explicit: false };
  }

  private writeTotals(
    span: Span,
    interaction: NonNullable<EndingSpan['interaction']>,
    started: StartedSpan | undefined,
  ): void {
    const totals =
      this.ledger.peek(interaction.key) ?? emptyTotals(interaction.feature, 0);
    span.setAttributes({
      ...started?.dimensions?.span,
      [ATTR_TOKENMETER_FEATURE]: interaction.feature,
      [ATTR_TOKENMETER_INTERACTION_COST]: totals.cost,
      [ATTR_TOKENMETER_INTERACTION_INPUT_TOKENS]: totals.inputTokens,
      [ATTR_TOKENMETER_INTERACTION_OUTPUT_TOKENS]: totals.outputTokens,
      [ATTR_TOKENMETER_INTERACTION_CALLS]: totals.calls,
      [ATTR_TOKENMETER_INTERACTION_UNPRICED_CALLS]: totals.unpricedCalls,
    });
    if (interaction.explicit && totals.dimensions === undefined) {
      totals.dimensions = started?.dimensions?.metric;
    }
  }

  private record(ending: EndingSpan): void {
    if (ending.skipped) {
      this.costMetrics.recordSkipped(TOKENMETER_SKIPPED_VALUE_INVALID_USAGE);
    }
    if (ending.priced) {
      this.costMetrics.recordCall(ending.priced);
    }
    if (ending.cacheHit) {
      this.costMetrics.recordSaving(ending.cacheHit);
    }
    for (const exceeded of ending.budgetExceeded ?? []) {
      this.costMetrics.recordBudgetExceeded(
        exceeded.feature,
        exceeded.limit,
        exceeded.mode,
      );
    }
    this.recordInteraction(ending.interaction);
  }

  private recordInteraction(interaction: EndingSpan['interaction']): void {
    if (!interaction) {
      return;
    }
    const totals =
      this.ledger.close(interaction.key) ??
      (interaction.explicit ? emptyTotals(interaction.feature, 0) : undefined);
    if (totals) {
      this.costMetrics.recordInteraction(totals);
    }
  }

  /** What budget checks read: the ledger's spend and the catalog's rates. */
  private spendSource(): SpendSource {
    return {
      spend: (key) => {
        const totals = this.ledger.peek(key);
        return totals && { cost: totals.cost, calls: totals.calls };
      },
      rates: (provider, model) => {
        const lookup = this.catalog.lookup(provider, model);
        if (!lookup.found) {
          return undefined;
        }
        const prices = lookup.match.pricesAt(Date.now());
        const perToken = (price: unknown) =>
          typeof price === 'number' ? price / 1e6 : 0;
        return {
          input: perToken(prices.input_mtok),
          output: perToken(prices.output_mtok),
        };
      },
    };
  }
}

/**
 * Gives a GenAI span started by another tracer (an SDK that traces itself)
 * the attributes and events tokenmeter prepared for its call: the prompt
 * breakdown and the budget outcome.
 */
function adoptCallAttributes(span: Span, parentContext: Context): void {
  const pending = takeCallAttributes(parentContext);
  if (pending === undefined) {
    return;
  }
  span.setAttributes(pending.attributes);
  for (const event of pending.events) {
    span.addEvent(event.name, event.attributes);
  }
}

/** The budget events an instrumentation put on a call's span. */
function budgetEvents(
  span: Span,
): { feature: string; limit: string; mode: string }[] {
  const feature = textOf(span.attributes[ATTR_TOKENMETER_FEATURE]);
  return span.events
    .filter((event) => event.name === EVENT_TOKENMETER_BUDGET_EXCEEDED)
    .map((event) => ({
      feature: textOf(event.attributes?.[ATTR_TOKENMETER_FEATURE]) || feature,
      limit: textOf(event.attributes?.[ATTR_TOKENMETER_BUDGET_LIMIT]),
      mode: textOf(event.attributes?.[ATTR_TOKENMETER_BUDGET_MODE]),
    }));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Tells whether a span has no parent in this process (a root, or a remote child). */
function isLocalRoot(span: Span): boolean {
  const parent = span.parentSpanContext;
  return parent === undefined || parent.isRemote === true;
}
