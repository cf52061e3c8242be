import type { Attributes } from '@opentelemetry/api';

import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '../../semconv.js';

export type UnknownRecord = Record<string, unknown>;

/** Tells whether a value is a plain object, not null or an array. */
export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a string attribute when the value is a non-empty string. */
export function putString(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  if (typeof value === 'string' && value !== '') {
    attributes[name] = value;
  }
}

/** Sets a number attribute when the value is a finite number. */
export function putNumber(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  if (typeof value === 'number' && Number.isFinite(value)) {
    attributes[name] = value;
  }
}

/** Sets a string array attribute when the value is an array of strings. */
export function putStrings(
  attributes: Attributes,
  name: string,
  value: unknown,
): void {
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string')
  ) {
    attributes[name] = value;
  }
}

/**
 * Reads `server.address` and `server.port` from a base URL such as
 * `https://generativelanguage.googleapis.com/`, with the scheme's default
 * port when the URL names none. Returns no attributes for a value that is
 * not a URL.
 */
export function serverAttributes(baseURL: unknown): Attributes {
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) {
    return {};
  }

  const url = new URL(baseURL);
  const defaultPort = url.protocol === 'http:' ? 80 : 443;
  return {
    // The hostname of an IPv6 URL keeps its brackets, which are not part of
    // the address.
    [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    [ATTR_SERVER_PORT]: url.port === '' ? defaultPort : Number(url.port),
  };
}
