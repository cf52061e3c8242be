import type { BudgetExceeded } from './error.js';
import type { Spend } from './registry.js';
import type { BudgetRule } from './types.js';

/** An estimate of a prompt's input tokens. */
export interface InputEstimate {
  tokens: number;
  /** False when the tokens were counted with the model's tokenizer. */
  estimated: boolean;
}

/** A call about to be sent, as the budget check receives it. */
export interface PlannedCall {
  feature: string;
  /** The output token limit of the request; undefined when unlimited. */
  maxOutputTokens?: number;
  /** The spend of the call's interaction so far, if known. */
  spend?: Spend;
  /** USD per input and output token of the model, if its price is known. */
  rates?: { input: number; output: number };
  /**
   * Estimates the prompt's input tokens; called only when a limit needs
   * it. Given the limit, it counts exactly when the estimate is close to it.
   */
  estimateInput(limit?: number): InputEstimate;
}

/** The outcome of a budget check. */
export type BudgetDecision =
  | { action: 'allow' }
  | { action: 'observe'; exceeded: BudgetExceeded[] }
  | { action: 'clamp'; maxOutputTokens: number; exceeded: BudgetExceeded[] }
  | { action: 'block'; exceeded: BudgetExceeded };

/**
 * Checks a call against its feature's budget before it is sent. In
 * `observe` mode, every limit the call goes over is reported. In `clamp`
 * mode the output limit is lowered to what the budget leaves, and a limit
 * that cannot be lowered blocks. In `block` mode the first limit blocks.
 */
export function checkBudget(
  rule: BudgetRule,
  call: PlannedCall,
): BudgetDecision {
  const mode = rule.mode ?? 'observe';
  const unclampable = [
    callsExceeded(rule, call),
    costExceeded(rule, call),
    inputExceeded(rule, call),
  ].filter((facts) => facts !== undefined);
  const output = outputExceeded(rule, call);

  if (mode === 'observe') {
    const exceeded = output ? [...unclampable, output] : unclampable;
    return exceeded.length > 0
      ? { action: 'observe', exceeded }
      : { action: 'allow' };
  }
  const [first] = unclampable;
  if (first) {
    return { action: 'block', exceeded: first };
  }
  if (mode === 'block') {
    return output ? { action: 'block', exceeded: output } : { action: 'allow' };
  }
  return clampOutput(rule, call, output);
}

function callsExceeded(
  rule: BudgetRule,
  call: PlannedCall,
): BudgetExceeded | undefined {
  const allowed = rule.maxCallsPerInteraction;
  const calls = call.spend?.calls ?? 0;
  if (allowed === undefined || calls + 1 <= allowed) {
    return undefined;
  }
  return exceeded(call, 'max_calls_per_interaction', allowed, calls + 1, false);
}

/** Reports an interaction that has spent its budget: it may make no further call. */
function costExceeded(
  rule: BudgetRule,
  call: PlannedCall,
): BudgetExceeded | undefined {
  const allowed = rule.maxCostPerInteraction;
  const spent = call.spend?.cost ?? 0;
  if (allowed === undefined || spent < allowed) {
    return undefined;
  }
  return exceeded(call, 'max_cost_per_interaction', allowed, spent, false);
}

function inputExceeded(
  rule: BudgetRule,
  call: PlannedCall,
): BudgetExceeded | undefined {
  const allowed = rule.maxInputTokensPerCall;
  if (allowed === undefined) {
    return undefined;
  }
  const input = call.estimateInput(allowed);
  if (input.tokens <= allowed) {
    return undefined;
  }
  return exceeded(
    call,
    'max_input_tokens_per_call',
    allowed,
    input.tokens,
    input.estimated,
  );
}

function outputExceeded(
  rule: BudgetRule,
  call: PlannedCall,
): BudgetExceeded | undefined {
  const allowed = rule.maxOutputTokensPerCall;
  const requested = call.maxOutputTokens ?? Number.POSITIVE_INFINITY;
  if (allowed === undefined || requested <= allowed) {
    return undefined;
  }
  return exceeded(
    call,
    'max_output_tokens_per_call',
    allowed,
    requested,
    false,
  );
}

/**
 * Lowers the output limit to the smallest of the request's own limit, the
 * per-call limit, and the output the interaction's remaining money buys
 * after the prompt's cost. Blocks when not even one output token is left.
 */
function clampOutput(
  rule: BudgetRule,
  call: PlannedCall,
  output: BudgetExceeded | undefined,
): BudgetDecision {
  const exceeded: BudgetExceeded[] = output ? [output] : [];
  let limit = Math.min(
    call.maxOutputTokens ?? Number.POSITIVE_INFINITY,
    rule.maxOutputTokensPerCall ?? Number.POSITIVE_INFINITY,
  );

  const affordable = affordableOutput(rule, call);
  if (affordable !== undefined && affordable < limit) {
    const allowed = rule.maxCostPerInteraction!;
    const facts = exceededCost(call, allowed);
    if (affordable < 1) {
      return { action: 'block', exceeded: facts };
    }
    exceeded.push(facts);
    limit = affordable;
  }

  if (exceeded.length === 0 || !Number.isFinite(limit)) {
    return { action: 'allow' };
  }
  return { action: 'clamp', maxOutputTokens: Math.floor(limit), exceeded };
}

function affordableOutput(
  rule: BudgetRule,
  call: PlannedCall,
): number | undefined {
  const allowed = rule.maxCostPerInteraction;
  if (allowed === undefined || !call.rates || !(call.rates.output > 0)) {
    return undefined;
  }
  const promptCost = call.estimateInput().tokens * call.rates.input;
  const left = allowed - (call.spend?.cost ?? 0) - promptCost;
  return Math.max(0, Math.floor(left / call.rates.output));
}

function exceededCost(call: PlannedCall, allowed: number): BudgetExceeded {
  return exceeded(
    call,
    'max_cost_per_interaction',
    allowed,
    call.spend?.cost ?? 0,
    true,
  );
}

function exceeded(
  call: PlannedCall,
  limit: BudgetExceeded['limit'],
  allowed: number,
  requested: number,
  estimated: boolean,
): BudgetExceeded {
  return { feature: call.feature, limit, allowed, requested, estimated };
}
