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
