import type { AttributeMap, NormalizedUsage } from '../types.js';

/** Why usage attributes were rejected. */
export interface InvalidUsage {
  invalid: { attribute: string; reason: string };
}

/** The usage attribute names and meaning of one instrumentation family. */
export interface UsageDialect {
  readonly name: string;
  /** Cheap check run on every ending span: are this dialect's names present? */
  matches(attributes: AttributeMap): boolean;
  readUsage(attributes: AttributeMap): NormalizedUsage | InvalidUsage;
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
