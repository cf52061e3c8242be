import { diag, type DiagLogger } from '@opentelemetry/api';

/** tokenmeter's component logger on the OpenTelemetry `diag` API. */
export const logger: DiagLogger = diag.createComponentLogger({
  namespace: 'tokenmeter',
});

// Bounded so that a flood of distinct keys (model names from spans, say)
// cannot grow memory: past the limit, repeats may be logged again.
const MAX_WARNED_KEYS = 1000;
const warned = new Set<string>();

/**
 * Logs a warning the first time `key` is seen and returns true; later calls
 * with the same key log nothing and return false.
 */
export function warnOnce(key: string, message: string): boolean {
  if (warned.has(key)) {
    return false;
  }
  if (warned.size >= MAX_WARNED_KEYS) {
    warned.clear();
  }
  warned.add(key);
  logger.warn(message);
  return true;
}

/** Forgets which warnings were logged; for tests. */
export function resetWarnings(): void {
  warned.clear();
}

/** Describes a caught value for a log line without throwing. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
