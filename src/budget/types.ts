/**
 * What happens to a call that would go over a budget:
 * - `observe`: the call goes ahead; its span gets a
 *   `tokenmeter.budget.exceeded` event and the metric of that name counts it;
 * - `clamp`: the call goes ahead with its output limit (`max_tokens`,
 *   `max_completion_tokens` or `max_output_tokens`) lowered to what the
 *   budget leaves; a limit that cannot be lowered this way (input tokens,
 *   calls, or an interaction with no money left) blocks the call;
 * - `block`: the call is not sent, and the SDK method rejects with a
 *   `TokenBudgetExceededError`, so nothing is spent.
 */
export type BudgetMode = 'observe' | 'clamp' | 'block';

/** The budget of one feature. Every limit is optional. */
export interface BudgetRule {
  /** The feature the rule applies to, or `*` for every other feature. */
  feature: string;
  /** Default: `observe`. */
  mode?: BudgetMode;
  /** The most input tokens one call may send, cached tokens included. */
  maxInputTokensPerCall?: number;
  /** The most output tokens one call may ask for. */
  maxOutputTokensPerCall?: number;
  /** The most one interaction may spend, in USD. */
  maxCostPerInteraction?: number;
  /** The most model calls one interaction may make. */
  maxCallsPerInteraction?: number;
}

/** The limit that a call went over. */
export type BudgetLimit =
  | 'max_input_tokens_per_call'
  | 'max_output_tokens_per_call'
  | 'max_cost_per_interaction'
  | 'max_calls_per_interaction';
