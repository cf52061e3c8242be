import type { Attributes } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace';

import type { InteractionScope } from '../interaction/scope.js';
import { warnOnce } from '../internal/diag.js';
import type { PriceCatalog, PriceMatch } from '../pricing/catalog.js';
import { computeCost, type CostBreakdown } from '../pricing/cost.js';
import type { ModelPrices } from '../pricing/types.js';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_TOKENMETER_COMPONENT_PREFIX,
  ATTR_TOKENMETER_COST_CACHE_READ,
  ATTR_TOKENMETER_COST_CACHE_WRITE,
  ATTR_TOKENMETER_COST_INPUT,
  ATTR_TOKENMETER_COST_INPUT_AUDIO,
  ATTR_TOKENMETER_COST_INPUT_IMAGE,
  ATTR_TOKENMETER_COST_OUTPUT,
  ATTR_TOKENMETER_COST_OUTPUT_AUDIO,
  ATTR_TOKENMETER_COST_OUTPUT_IMAGE,
  ATTR_TOKENMETER_COST_REASONING,
  ATTR_TOKENMETER_COST_REQUEST,
  ATTR_TOKENMETER_COST_SAVED,
  ATTR_TOKENMETER_COST_WEB_SEARCH,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_INTERACTION_ID,
  ATTR_TOKENMETER_PRICE_MODEL,
  ATTR_TOKENMETER_PRICE_PROVIDER,
  ATTR_TOKENMETER_PRICE_SERVICE_TIER,
  ATTR_TOKENMETER_PRICE_SOURCE,
  ATTR_TOKENMETER_ROUTING_INSTEAD_OF,
  ATTR_TOKENMETER_UNPRICED,
  GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL,
  SAVING_REASON_VALUE_RESPONSE_CACHE,
} from '../semconv.js';
import type { GenAiCall } from '../usage/types.js';
import { componentCosts, type ComponentCosts } from './component-costs.js';
import type { BaggageDimensions } from './dimensions.js';
import { promptCacheSaving, routingSaving, type Saving } from './savings.js';
import type { PricedCall } from './types.js';

export const CURRENCY = 'USD';

/** What the processor knows of a span besides its attributes. */
export interface SpanContextInfo {
  scope?: InteractionScope;
  dimensions?: BaggageDimensions;
}

/**
 * Prices the call a span describes and writes the results onto the span:
 * the cost, its parts by token type and by component, the prices used,
 * the savings, and the attribution.
 */
export class SpanPricer {
  private readonly catalog: PriceCatalog;
  private readonly defaultFeature: string;

  constructor(catalog: PriceCatalog, defaultFeature: string) {
    this.catalog = catalog;
    this.defaultFeature = defaultFeature;
  }

  /** Prices a model call. */
  price(span: Span, call: GenAiCall, info: SpanContextInfo): PricedCall {
    const priced = this.attribute(call, info);
    const attributes = attributionAttributes(priced, info);
    const model = call.responseModel ?? call.requestModel;
    const lookup =
      model === undefined
        ? undefined
        : this.catalog.lookup(call.provider, model);

    if (lookup?.found) {
      const timeMs = endTimeMs(span);
      const rates = lookup.match.ratesFor(timeMs, call.usage.serviceTier);
      const cost = computeCost(call.usage, rates.prices);
      priced.cost = cost;
      priced.components = componentCosts(span.attributes, call.usage, cost);
      priced.savings = this.savings(span, call, rates.prices, cost, timeMs);
      putCostAttributes(attributes, cost, lookup.match, rates.appliedTier);
      putComponentAttributes(attributes, priced.components);
      putSavingAttributes(attributes, priced.savings);
    } else {
      attributes[ATTR_TOKENMETER_UNPRICED] = true;
      warnUnpriced(call, model);
    }

    span.setAttributes(attributes);
    return priced;
  }

  /**
   * Prices the usage a response cache avoided, as a saving; the span of a
   * cache hit costs nothing.
   */
  priceCacheHit(
    span: Span,
    call: GenAiCall,
    info: SpanContextInfo,
  ): PricedCall {
    const priced = this.attribute(call, info);
    const model = call.responseModel ?? call.requestModel;
    const lookup =
      model === undefined
        ? undefined
        : this.catalog.lookup(call.provider, model);
    if (lookup?.found) {
      const avoided = computeCost(
        call.usage,
        lookup.match.pricesAt(endTimeMs(span)),
      );
      priced.savings = [
        { reason: SAVING_REASON_VALUE_RESPONSE_CACHE, amount: avoided.total },
      ];
    }
    const attributes = attributionAttributes(priced, info);
    putSavingAttributes(attributes, priced.savings);
    span.setAttributes(attributes);
    return priced;
  }

  private attribute(call: GenAiCall, info: SpanContextInfo): PricedCall {
    return {
      call,
      feature: info.scope?.feature || this.defaultFeature,
      savings: [],
      dimensions: info.dimensions?.metric,
    };
  }

  private savings(
    span: Span,
    call: GenAiCall,
    prices: ModelPrices,
    cost: CostBreakdown,
    timeMs: number,
  ): Saving[] {
    const savings: Saving[] = [];
    const cache = promptCacheSaving(call, prices, cost);
    if (cache) {
      savings.push(cache);
    }
    const insteadOf = span.attributes[ATTR_TOKENMETER_ROUTING_INSTEAD_OF];
    if (typeof insteadOf === 'string' && insteadOf !== '') {
      const routing = routingSaving(
        call,
        insteadOf,
        cost,
        this.catalog,
        timeMs,
      );
      if (routing) {
        savings.push(routing);
      }
    }
    return savings;
  }
}

function attributionAttributes(
  priced: PricedCall,
  info: SpanContextInfo,
): Attributes {
  const attributes: Attributes = {
    ...info.dimensions?.span,
    [ATTR_TOKENMETER_FEATURE]: priced.feature,
  };
  if (info.scope?.id) {
    attributes[ATTR_TOKENMETER_INTERACTION_ID] = info.scope.id;
  }
  return attributes;
}

function putCostAttributes(
  attributes: Attributes,
  cost: CostBreakdown,
  match: PriceMatch,
  serviceTier: string | undefined,
): void {
  attributes[ATTR_GEN_AI_USAGE_COST_AMOUNT] = cost.total;
  attributes[ATTR_GEN_AI_USAGE_COST_CURRENCY] = CURRENCY;
  attributes[ATTR_GEN_AI_USAGE_COST_SOURCE] =
    GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL;
  attributes[ATTR_TOKENMETER_COST_INPUT] = cost.input;
  attributes[ATTR_TOKENMETER_COST_OUTPUT] = cost.output;
  attributes[ATTR_TOKENMETER_PRICE_PROVIDER] = match.providerId;
  attributes[ATTR_TOKENMETER_PRICE_MODEL] = match.modelId;
  attributes[ATTR_TOKENMETER_PRICE_SOURCE] = match.source;
  // Each attribute costs the span pipeline a check, so the parts most
  // calls lack are written only when they cost something.
  putCost(attributes, ATTR_TOKENMETER_COST_CACHE_READ, cost.cacheRead);
  putCost(attributes, ATTR_TOKENMETER_COST_CACHE_WRITE, cost.cacheWrite);
  putCost(attributes, ATTR_TOKENMETER_COST_REASONING, cost.reasoning);
  putCost(attributes, ATTR_TOKENMETER_COST_INPUT_AUDIO, cost.inputAudio);
  putCost(attributes, ATTR_TOKENMETER_COST_OUTPUT_AUDIO, cost.outputAudio);
  putCost(attributes, ATTR_TOKENMETER_COST_INPUT_IMAGE, cost.inputImage);
  putCost(attributes, ATTR_TOKENMETER_COST_OUTPUT_IMAGE, cost.outputImage);
  putCost(attributes, ATTR_TOKENMETER_COST_WEB_SEARCH, cost.webSearch);
  putCost(attributes, ATTR_TOKENMETER_COST_REQUEST, cost.request);
  if (serviceTier !== undefined) {
    attributes[ATTR_TOKENMETER_PRICE_SERVICE_TIER] = serviceTier;
  }
}

function putCost(attributes: Attributes, name: string, amount: number): void {
  if (amount > 0) {
    attributes[name] = amount;
  }
}

/**
 * `tokenmeter.component.<name>.tokens` and `.cost` for each component of
 * a call whose prompt tokenmeter's instrumentation sized.
 */
function putComponentAttributes(
  attributes: Attributes,
  components: ComponentCosts,
): void {
  if (!components.broken) {
    return;
  }
  // A component's parts of several token types add up to its figures.
  for (const part of components.parts) {
    const [tokensName, costName] = componentAttributeNames(part.component);
    attributes[tokensName] =
      ((attributes[tokensName] as number) ?? 0) + part.tokens;
    attributes[costName] = ((attributes[costName] as number) ?? 0) + part.cost;
  }
}

// The attribute names of each component, built once: components are a
// fixed set, so the map stays small.
const COMPONENT_NAMES = new Map<string, readonly [string, string]>();

function componentAttributeNames(component: string): readonly [string, string] {
  let names = COMPONENT_NAMES.get(component);
  if (names === undefined) {
    names = [
      `${ATTR_TOKENMETER_COMPONENT_PREFIX}${component}.tokens`,
      `${ATTR_TOKENMETER_COMPONENT_PREFIX}${component}.cost`,
    ];
    COMPONENT_NAMES.set(component, names);
  }
  return names;
}

function putSavingAttributes(
  attributes: Attributes,
  savings: readonly Saving[],
): void {
  let total = 0;
  for (const saving of savings) {
    total += saving.amount;
  }
  putCost(attributes, ATTR_TOKENMETER_COST_SAVED, total);
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

function endTimeMs(span: Span): number {
  const [seconds, nanos] = span.endTime;
  return seconds * 1000 + nanos / 1e6;
}
