import {
  createContextKey,
  propagation,
  type Baggage,
  type Context,
} from '@opentelemetry/api';

import {
  BAGGAGE_TOKENMETER_FEATURE,
  BAGGAGE_TOKENMETER_INTERACTION_ID,
} from '../semconv.js';

/** The interaction that model calls made in a context belong to. */
export interface InteractionScope {
  readonly id: string;
  readonly feature: string;
  /**
   * True in the process that opened the interaction, which counts it;
   * false in a downstream service that learnt of it from W3C Baggage.
   */
  readonly local: boolean;
  /**
   * Texts the app registered as retrieved context, so that the prompt
   * breakdown attributes them to `context`. Empty for a remote scope.
   */
  readonly contextTexts: string[];
}

/**
 * The context key of the current interaction. `createContextKey` keys on
 * `Symbol.for`, so the ESM and CommonJS builds of tokenmeter share it.
 */
export const INTERACTION_KEY = createContextKey('tokenmeter.interaction');

// Baggage objects are immutable and shared by every span of a request, so
// the scope read from one is kept with it.
const fromBaggage = new WeakMap<Baggage, InteractionScope | null>();

/** Returns the interaction of a context, opened here or carried in baggage. */
export function scopeOf(context: Context): InteractionScope | undefined {
  const scope = context.getValue(INTERACTION_KEY) as
    InteractionScope | undefined;
  if (scope !== undefined) {
    return scope;
  }

  const baggage = propagation.getBaggage(context);
  if (baggage === undefined) {
    return undefined;
  }

  let remote = fromBaggage.get(baggage);
  if (remote === undefined) {
    remote = readBaggage(baggage);
    fromBaggage.set(baggage, remote);
  }
  return remote ?? undefined;
}

function readBaggage(baggage: Baggage): InteractionScope | null {
  const id = baggage.getEntry(BAGGAGE_TOKENMETER_INTERACTION_ID)?.value;
  const feature = baggage.getEntry(BAGGAGE_TOKENMETER_FEATURE)?.value;
  if (!id && !feature) {
    return null;
  }
  return {
    id: id ?? '',
    feature: feature ?? '',
    local: false,
    contextTexts: [],
  };
}

/**
 * The key of an interaction in the processor's ledger, which budget checks
 * read too: the id of an interaction opened in this process, or the trace
 * of calls made outside any interaction. Undefined for an interaction
 * opened upstream, whose spend this process does not keep.
 */
export function ledgerKeyOf(
  scope: InteractionScope | undefined,
  traceId: string,
): string | undefined {
  if (scope === undefined) {
    return `trace:${traceId}`;
  }
  return scope.local ? `interaction:${scope.id}` : undefined;
}
