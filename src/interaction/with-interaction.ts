import { randomUUID } from 'node:crypto';

import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

import { logger } from '../internal/diag.js';
import {
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_INTERACTION_ID,
  BAGGAGE_TOKENMETER_FEATURE,
  BAGGAGE_TOKENMETER_INTERACTION_ID,
  TOKENMETER_SCOPE,
} from '../semconv.js';
import { VERSION } from '../version.js';
import { INTERACTION_KEY, scopeOf, type InteractionScope } from './scope.js';

/** Options of `withInteraction`. */
export interface InteractionOptions {
  /**
   * The AI feature the interaction belongs to, such as `support-chat`. It
   * becomes a metric attribute, so keep it to a fixed set of names: never
   * a user id or free text.
   */
  feature: string;
  /** The interaction id. Default: a random UUID. */
  id?: string;
  /**
   * Extra attributes for the interaction span only, never for metrics, so
   * they may have many values (a customer id, say).
   */
  attributes?: Attributes;
  /**
   * Retrieved context (documents found for a RAG prompt): wherever these
   * texts appear in a prompt of the interaction, their tokens are
   * attributed to the `context` component. Texts found later can be added
   * with `interaction.addContext()`.
   */
  context?: string[];
}

/** The interaction a piece of code runs in. */
export interface Interaction {
  readonly id: string;
  readonly feature: string;
  /**
   * Registers retrieved context texts for the prompt breakdown of the
   * interaction's later model calls. The texts stay in this process.
   */
  addContext(...texts: string[]): void;
}

const FALLBACK_FEATURE = 'unknown';

/**
 * Runs `fn` as one interaction: one user request to an AI feature, however
 * many model calls it makes. Opens an `interaction {feature}` span around
 * `fn`, puts the feature and interaction id in W3C Baggage so downstream
 * services attribute their calls to it, and returns what `fn` returns, the
 * same promise object included. The span ends when `fn` returns or, for a
 * promise, settles; errors pass through unchanged.
 */
export function withInteraction<T>(
  options: InteractionOptions,
  fn: (interaction: Interaction) => T,
): T {
  const scope: InteractionScope = {
    id: options.id ?? randomUUID(),
    feature: checkFeature(options.feature),
    local: true,
    contextTexts: (options.context ?? []).filter(isText),
  };
  const parent = withBaggage(
    context.active().setValue(INTERACTION_KEY, scope),
    scope,
  );

  const tracer = trace.getTracer(TOKENMETER_SCOPE, VERSION);
  const span = tracer.startSpan(
    `interaction ${scope.feature}`,
    { kind: SpanKind.INTERNAL, attributes: spanAttributes(scope, options) },
    parent,
  );

  const interaction = interactionOf(scope);
  return context.with(trace.setSpan(parent, span), () =>
    runInSpan(span, () => fn(interaction)),
  );
}

/** The interaction the calling code runs in, if any. */
export function activeInteraction(): Interaction | undefined {
  const scope = scopeOf(context.active());
  return scope ? interactionOf(scope) : undefined;
}

function interactionOf(scope: InteractionScope): Interaction {
  return {
    id: scope.id,
    feature: scope.feature,
    addContext: (...texts) => {
      scope.contextTexts.push(...texts.filter(isText));
    },
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function runInSpan<T>(span: Span, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    endWithError(span, error);
    throw error;
  }

  if (isThenable(result)) {
    result.then(
      () => span.end(),
      (error: unknown) => endWithError(span, error),
    );
  } else {
    span.end();
  }
  return result;
}

function endWithError(span: Span, error: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : undefined,
  });
  if (error instanceof Error) {
    span.recordException(error);
  }
  span.end();
}

function withBaggage(
  parent: ReturnType<typeof context.active>,
  scope: InteractionScope,
) {
  const baggage = (
    propagation.getBaggage(parent) ?? propagation.createBaggage()
  )
    .setEntry(BAGGAGE_TOKENMETER_FEATURE, { value: scope.feature })
    .setEntry(BAGGAGE_TOKENMETER_INTERACTION_ID, { value: scope.id });
  return propagation.setBaggage(parent, baggage);
}

function spanAttributes(
  scope: InteractionScope,
  options: InteractionOptions,
): Attributes {
  return {
    ...options.attributes,
    [ATTR_TOKENMETER_FEATURE]: scope.feature,
    [ATTR_TOKENMETER_INTERACTION_ID]: scope.id,
  };
}

function checkFeature(feature: unknown): string {
  if (typeof feature === 'string' && feature.trim() !== '') {
    return feature.trim();
  }
  logger.error(
    `withInteraction() needs a non-empty feature name, got ` +
      `${JSON.stringify(feature)}; using "${FALLBACK_FEATURE}".`,
  );
  return FALLBACK_FEATURE;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
