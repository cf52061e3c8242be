import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_SERVER_ADDRESS,
} from '../../semconv.js';
import type { AttributeMap, CallReading, GenAiCall } from '../types.js';

/** Why usage attributes were rejected. */
export interface InvalidUsage {
  invalid: { attribute: string; reason: string };
}

/**
 * The attribute names and meaning of one family of instrumentations: how
 * its spans name the provider, operation, models, server and token counts.
 */
export interface GenAiDialect {
  readonly name: string;
  /**
   * Attributes of which every span that `matches` has at least one, so
   * that a span with none of any dialect's is passed over at once.
   */
  readonly markers: readonly string[];
  /**
   * Cheap check run on every ending span, a few property lookups: are this
   * family's usage names present? `scope` is the name of the span's
   * instrumentation scope, where known.
   */
  matches(attributes: AttributeMap, scope?: string): boolean;
  /** Reads the call a matching span describes. */
  read(attributes: AttributeMap, scope?: string): CallReading;
}

/**
 * Reads one token count: undefined when absent, else a finite,
 * non-negative number, or an `InvalidUsage` naming the attribute.
 */
export function readTokenCount(
  attributes: AttributeMap,
  name: string,
): number | undefined | InvalidUsage {
  const value = attributes[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number') {
    return invalid(name, `expected a number, got ${typeof value}`);
  }
  if (!Number.isFinite(value) || value < 0) {
    return invalid(name, `expected a finite non-negative number, got ${value}`);
  }
  return value;
}

export function invalid(attribute: string, reason: string): InvalidUsage {
  return { invalid: { attribute, reason } };
}

export function isInvalid(value: unknown): value is InvalidUsage {
  return typeof value === 'object' && value !== null && 'invalid' in value;
}

/** Reads a string attribute; undefined when absent, empty or not a string. */
export function readText(
  attributes: AttributeMap,
  name: string,
): string | undefined {
  const value = attributes[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the provider, operation, models and server the conventions name. */
export function readConventionsIdentity(
  attributes: AttributeMap,
): Omit<GenAiCall, 'usage'> {
  return {
    provider:
      readText(attributes, ATTR_GEN_AI_PROVIDER_NAME) ??
      readText(attributes, ATTR_GEN_AI_SYSTEM),
    operation: readText(attributes, ATTR_GEN_AI_OPERATION_NAME),
    requestModel: readText(attributes, ATTR_GEN_AI_REQUEST_MODEL),
    responseModel: readText(attributes, ATTR_GEN_AI_RESPONSE_MODEL),
    serverAddress: readText(attributes, ATTR_SERVER_ADDRESS),
  };
}
