import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_CACHE_HIT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  TOKENMETER_SCOPE,
} from '../semconv.js';
import { VERSION } from '../version.js';

/** A response the app served from its own cache instead of a model call. */
export interface CacheHit {
  /** The provider the call would have gone to, as `gen_ai.provider.name`. */
  provider: string;
  /** The model the call would have used. */
  model: string;
  /** The usage the cache avoided, as the original call reported it. */
  usage: {
    inputTokens: number;
    outputTokens: number;
    /** Input tokens that would have been read from the provider's cache. */
    cacheReadTokens?: number;
  };
}

/**
 * Records a response served from the app's own cache: the usage it
 * avoided is priced and counted in `tokenmeter.cost.saved` with the reason
 * `response_cache`, in the current interaction, and no cost is counted.
 * Recorded as a short `cache_hit {model}` span, so it needs a tracer
 * provider with the `CostSpanProcessor`, like the rest of tokenmeter.
 */
export function recordCacheHit(hit: CacheHit): void {
  const attributes: Attributes = {
    [ATTR_TOKENMETER_CACHE_HIT]: true,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: hit.provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: hit.model,
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: hit.usage.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: hit.usage.outputTokens,
  };
  if (hit.usage.cacheReadTokens !== undefined) {
    attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] =
      hit.usage.cacheReadTokens;
  }
  trace
    .getTracer(TOKENMETER_SCOPE, VERSION)
    .startSpan(
      `cache_hit ${hit.model}`,
      { kind: SpanKind.INTERNAL, attributes },
      context.active(),
    )
    .end();
}
