import { describeError, logger, warnOnce } from '../../internal/diag.js';

// A diag logger that throws must not fail the app's call, so these two
// swallow what logging throws: there is nowhere left to report it.

/** Logs that a telemetry step failed, such as `Starting a span`. */
export function logFailure(step: string, error: unknown): void {
  try {
    logger.error(`${step} failed: ${describeError(error)}`);
  } catch {
    // Nothing to do.
  }
}

/** Logs a warning the first time `key` is seen; see `warnOnce`. */
export function warnOnceSafely(key: string, message: string): void {
  try {
    warnOnce(key, message);
  } catch {
    // Nothing to do.
  }
}
