import { context, createContextKey, type Context } from '@opentelemetry/api';

/** The context key of the model that routed calls would otherwise use. */
const ROUTING_KEY = createContextKey('tokenmeter.routing');

/**
 * Runs `fn` with its model calls marked as routed away from a costlier
 * model: each call's cost is compared with the same usage at `insteadOf`,
 * and the difference is counted in `tokenmeter.cost.saved` with the reason
 * `model_routing`. Returns what `fn` returns.
 *
 * ```js
 * const model = isSimple(question) ? 'gpt-4o-mini' : 'gpt-4o';
 * await withRouting({ insteadOf: 'gpt-4o' }, () =>
 *   openai.chat.completions.create({ model, messages }),
 * );
 * ```
 */
export function withRouting<T>(options: { insteadOf: string }, fn: () => T): T {
  const model =
    typeof options?.insteadOf === 'string' ? options.insteadOf.trim() : '';
  if (model === '') {
    return fn();
  }
  return context.with(context.active().setValue(ROUTING_KEY, model), fn);
}

/** The model that calls in a context were routed away from, if any. */
export function routingOf(active: Context): string | undefined {
  return active.getValue(ROUTING_KEY) as string | undefined;
}
