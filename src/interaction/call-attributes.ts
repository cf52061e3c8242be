import {
  createContextKey,
  type Attributes,
  type Context,
} from '@opentelemetry/api';

/**
 * Attributes and events that tokenmeter prepared for a model call whose
 * span another tracer starts: an SDK that traces itself, such as
 * @anthropic-ai/sdk 0.134 and later. The first GenAI span started in the
 * context takes them.
 */
export interface PendingCallAttributes {
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
  taken: boolean;
}

const CALL_ATTRIBUTES_KEY = createContextKey('tokenmeter.call_attributes');

/** Returns a context whose first GenAI span takes `pending`. */
export function withCallAttributes(
  parent: Context,
  pending: Omit<PendingCallAttributes, 'taken'>,
): Context {
  return parent.setValue(CALL_ATTRIBUTES_KEY, { ...pending, taken: false });
}

/** Takes the pending attributes of a context, once; undefined after that. */
export function takeCallAttributes(
  parent: Context,
): PendingCallAttributes | undefined {
  const pending = parent.getValue(CALL_ATTRIBUTES_KEY) as
    PendingCallAttributes | undefined;
  if (pending === undefined || pending.taken) {
    return undefined;
  }
  pending.taken = true;
  return pending;
}
