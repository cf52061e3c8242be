import type { Attributes } from '@opentelemetry/api';

import { readNumber, readString, readStrings } from './values.js';

// Setters that leave an attribute out when its value has the wrong type, so
// that nothing the app or the network sends can produce an invalid attribute.

export function putString(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  const text = readString(value);
  if (text !== undefined) {
    attributes[name] = text;
  }
}

export function putNumber(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  const number = readNumber(value);
  if (number !== undefined) {
    attributes[name] = number;
  }
}

export function putBoolean(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  if (typeof value === 'boolean') {
    attributes[name] = value;
  }
}

/** Sets a string array attribute from a string or an array of strings. */
export function putStrings(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  const strings = readStrings(value);
  if (strings !== undefined && strings.length > 0) {
    attributes[name] = strings;
  }
}
