import type { SpanContext } from '@opentelemetry/api';

import { warnOnce } from '../internal/diag.js';
import { InsertionOrderedMap } from '../internal/ordered.js';

/** The part of an ending span that `CountedDescendants` reads. */
export interface EndingSpanLike {
  readonly parentSpanContext?: SpanContext;
}

/**
 * The open spans of this process that have a descendant whose model call
 * was counted, by span id. A span with GenAI usage found here sums calls
 * that its descendants already counted, as an agent span or the AI SDK's
 * `ai.generateText` does, and is not counted again.
 *
 * Children end before their parents, so an entry is added for the parent
 * of each ending span that was counted or had an entry itself, and the
 * entry is removed when that parent ends. Remote parents are never added.
 * A parent that never ends here (one that is not recorded, say) leaves its
 * entry behind, so past `maxEntries` the oldest entries are dropped.
 *
 * Keys are span ids alone: 64 random bits, so two open spans of different
 * traces sharing one is not a practical concern.
 */
export class CountedDescendants {
  private readonly maxEntries: number;

  private readonly spanIds = new InsertionOrderedMap<string, true>();

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** The number of spans marked. */
  get size(): number {
    return this.spanIds.size;
  }

  /**
   * Removes the entry of an ending span and returns whether it had one. One
   * hash lookup, the whole cost for a span without GenAI descendants.
   */
  take(spanId: string): boolean {
    return this.spanIds.delete(spanId);
  }

  /** Marks the parent of an ending span, unless it has none here. */
  markParentOf(span: EndingSpanLike): void {
    const parent = span.parentSpanContext;
    if (parent === undefined || parent.isRemote === true) {
      return;
    }

    if (this.spanIds.size >= this.maxEntries) {
      this.dropOldest();
    }
    this.spanIds.set(parent.spanId, true);
  }

  private dropOldest(): void {
    const oldest = this.spanIds.oldest();
    if (oldest === undefined) {
      return;
    }
    this.spanIds.delete(oldest[0]);
    warnOnce(
      'counted-descendants-full',
      `More than ${this.maxEntries} open spans have GenAI descendants; ` +
        'the oldest marks are dropped, so a span that sums the usage of ' +
        'its descendants may be counted again. Check for parent spans ' +
        'that never end.',
    );
  }
}
