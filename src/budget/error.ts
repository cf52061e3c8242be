import type { BudgetLimit } from './types.js';

/** The facts of a budget a call went over. */
export interface BudgetExceeded {
  feature: string;
  limit: BudgetLimit;
  /** The limit's value: tokens, calls, or USD. */
  allowed: number;
  /** What the call would have reached, in the same unit. */
  requested: number;
  /** True when `requested` is an estimate, not an exact count. */
  estimated: boolean;
}

const DESCRIPTIONS: Record<BudgetLimit, (facts: BudgetExceeded) => string> = {
  max_input_tokens_per_call: (facts) =>
    `This request is too long for ${facts.feature}: ` +
    `${facts.estimated ? 'about ' : ''}${tokens(facts.requested)} tokens, ` +
    `over the limit of ${tokens(facts.allowed)}.`,
  max_output_tokens_per_call: (facts) =>
    `This request asks for ${tokens(facts.requested)} output tokens from ` +
    `${facts.feature}, over the limit of ${tokens(facts.allowed)}.`,
  max_cost_per_interaction: (facts) =>
    `This ${facts.feature} interaction has spent its budget of ` +
    `$${facts.allowed}: $${facts.requested.toFixed(6)} so far.`,
  max_calls_per_interaction: (facts) =>
    `This ${facts.feature} interaction has made its ${facts.allowed} ` +
    'allowed model calls.',
};

/**
 * Thrown, as the rejection of the SDK method, when a call would go over a
 * budget in `block` mode. The request was not sent. `message` is written
 * to be shown to the app's user.
 */
export class TokenBudgetExceededError extends Error {
  override readonly name = 'TokenBudgetExceededError';
  /** A stable code to test for: `TOKEN_BUDGET_EXCEEDED`. */
  readonly code = 'TOKEN_BUDGET_EXCEEDED';
  readonly feature: string;
  readonly limit: BudgetLimit;
  readonly allowed: number;
  readonly requested: number;
  readonly estimated: boolean;

  constructor(facts: BudgetExceeded) {
    super(DESCRIPTIONS[facts.limit](facts));
    this.feature = facts.feature;
    this.limit = facts.limit;
    this.allowed = facts.allowed;
    this.requested = facts.requested;
    this.estimated = facts.estimated;
  }
}

function tokens(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}
