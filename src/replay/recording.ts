import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One HTTP request as it was sent to a provider. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Parsed JSON, or the raw text of a non-JSON body. */
  body?: unknown;
}

/** The provider's answer to a recorded request. */
export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Parsed JSON, or the raw text of a server-sent event stream. */
  body?: unknown;
  /**
   * A binary body, such as an AWS event stream
   * (`application/vnd.amazon.eventstream`), as base64 chunks that are sent
   * one after another. Used in place of `body` when present.
   */
  bodyBase64?: string[];
}

export interface RecordedExchange {
  request: RecordedRequest;
  response: RecordedResponse;
}

/** A file of recorded exchanges with one provider. */
export interface Recording {
  /** Where the exchanges were recorded. */
  source?: string;
  provider: string;
  exchanges: RecordedExchange[];
  /** The file name without its extension, when loaded from disk. */
  name?: string;
}

/** Reads one recording file and checks its shape. */
export function loadRecording(path: string): Recording {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Recording>;

  if (typeof parsed.provider !== 'string' || !Array.isArray(parsed.exchanges)) {
    throw new Error(
      `Invalid recording ${path}: expected "provider" and "exchanges" fields.`,
    );
  }
  parsed.exchanges.forEach((exchange, index) =>
    checkBinaryBody(path, index, exchange.response?.bodyBase64),
  );

  const name = path.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  return { ...parsed, name } as Recording;
}

/** Reads every `*.json` recording in a folder, sorted by file name. */
export function loadRecordings(folder: string): Recording[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => loadRecording(join(folder, file)));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks that `bodyBase64`, when present, is a list of base64 strings, so
 * that a malformed recording fails when loaded, not mid-test.
 */
function checkBinaryBody(path: string, index: number, chunks: unknown): void {
  if (chunks === undefined) {
    return;
  }

  const valid =
    Array.isArray(chunks) &&
    chunks.every((chunk) => typeof chunk === 'string' && BASE64.test(chunk));
  if (!valid) {
    throw new Error(
      `Invalid recording ${path}: exchanges[${index}].response.bodyBase64 ` +
        'must be an array of base64 strings.',
    );
  }
}
