/** The value that replaces new values past a limiter's cap. */
export const OVERFLOW_VALUE = '_other';

/**
 * Caps the number of distinct values of one metric attribute: the first
 * `max` values pass through, and later new ones become `_other`.
 */
export class ValueLimiter {
  private readonly max: number;
  private readonly seen = new Set<string>();

  constructor(max: number) {
    this.max = max;
  }

  limit(value: string): string {
    if (this.seen.has(value)) {
      return value;
    }
    if (this.seen.size >= this.max) {
      return OVERFLOW_VALUE;
    }
    this.seen.add(value);
    return value;
  }
}
