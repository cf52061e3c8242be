import { performance } from 'node:perf_hooks';

import { InsertionOrderedMap, RecentKeys } from '../internal/ordered.js';
import type { InteractionTotals, PricedCall } from './types.js';

export interface InteractionLedgerOptions {
  /** How long an interaction may stay open, in milliseconds. */
  timeoutMs: number;
  /** How many interactions may be open at once. */
  maxOpen: number;
  /** Called for each interaction dropped before its span ended. */
  onEvict(totals: InteractionTotals): void;
}

/**
 * Running totals of the interactions whose span has not ended yet. Memory
 * stays bounded whatever the load: an interaction is dropped once it has
 * been open longer than the timeout, or when the ledger is full (oldest
 * first), and each drop is reported. Calls that arrive after their
 * interaction was closed are not added again.
 */
export class InteractionLedger {
  private readonly options: InteractionLedgerOptions;

  private readonly open = new InsertionOrderedMap<string, InteractionTotals>();
  // Keys of recently closed interactions, as many as `maxOpen`.
  private readonly closed: RecentKeys<string>;
  private sweeper?: NodeJS.Timeout;

  constructor(options: InteractionLedgerOptions) {
    this.options = options;
    this.closed = new RecentKeys(options.maxOpen);
  }

  /** The number of open interactions. */
  get size(): number {
    return this.open.size;
  }

  /** Adds a call to an interaction, opening it on its first call. */
  add(key: string, feature: string, priced: PricedCall): void {
    if (this.closed.has(key)) {
      return;
    }

    let totals = this.open.get(key);
    if (totals === undefined) {
      totals = this.openInteraction(key, feature);
      totals.dimensions = priced.dimensions;
    }

    const usage = priced.call.usage;
    totals.calls += 1;
    totals.inputTokens += usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    if (priced.cost) {
      totals.cost += priced.cost.total;
    } else {
      totals.unpricedCalls += 1;
    }
  }

  /** The totals of an open interaction, without closing it. */
  peek(key: string): InteractionTotals | undefined {
    return this.open.get(key);
  }

  /** Closes an interaction and returns its totals, if it had any calls. */
  close(key: string): InteractionTotals | undefined {
    const totals = this.open.get(key);
    this.open.delete(key);
    this.closed.add(key);
    return totals;
  }

  /** Drops every interaction open for the timeout or longer. */
  sweep(now = performance.now()): void {
    let oldest = this.open.oldest();
    // Entries are in the order they opened, so the rest are younger.
    while (
      oldest !== undefined &&
      now - oldest[1].startedAt >= this.options.timeoutMs
    ) {
      this.evict(oldest[0], oldest[1]);
      oldest = this.open.oldest();
    }
  }

  /** Stops the sweep timer; the ledger can still be used. */
  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private openInteraction(key: string, feature: string): InteractionTotals {
    const oldest =
      this.open.size >= this.options.maxOpen ? this.open.oldest() : undefined;
    if (oldest !== undefined) {
      this.evict(oldest[0], oldest[1]);
    }

    const totals = emptyTotals(feature, performance.now());
    this.open.set(key, totals);
    this.startSweeper();
    return totals;
  }

  private evict(key: string, totals: InteractionTotals): void {
    this.open.delete(key);
    this.closed.add(key);
    this.options.onEvict(totals);
  }

  private startSweeper(): void {
    if (this.sweeper !== undefined) {
      return;
    }
    const period = Math.min(this.options.timeoutMs, 60_000);
    this.sweeper = setInterval(() => this.sweep(), period);
    this.sweeper.unref();
  }
}

/** The totals of an interaction without calls. */
export function emptyTotals(
  feature: string,
  startedAt: number,
): InteractionTotals {
  return {
    feature,
    cost: 0,
    inputTokens: 0,
    outputTokens: 0,
    calls: 0,
    unpricedCalls: 0,
    startedAt,
  };
}
