import { describe, expect, it } from 'vitest';

import { checkBudget, type PlannedCall } from '../../src/budget/check.js';
import { TokenBudgetExceededError } from '../../src/budget/error.js';
import type { BudgetRule } from '../../src/budget/types.js';

function call(overrides: Partial<PlannedCall> = {}): PlannedCall {
  return {
    feature: 'support',
    estimateInput: () => ({ tokens: 1000, estimated: true }),
    ...overrides,
  };
}

const rule = (fields: Partial<BudgetRule>): BudgetRule => ({
  feature: 'support',
  ...fields,
});

describe('checkBudget', () => {
  it('allows a call within every limit', () => {
    const decision = checkBudget(
      rule({
        mode: 'block',
        maxInputTokensPerCall: 2000,
        maxOutputTokensPerCall: 500,
        maxCostPerInteraction: 1,
        maxCallsPerInteraction: 3,
      }),
      call({ maxOutputTokens: 500, spend: { cost: 0.5, calls: 2 } }),
    );

    expect(decision).toEqual({ action: 'allow' });
  });

  it('blocks an oversized prompt in block mode', () => {
    const decision = checkBudget(
      rule({ mode: 'block', maxInputTokensPerCall: 8000 }),
      call({ estimateInput: () => ({ tokens: 66_667, estimated: true }) }),
    );

    expect(decision).toEqual({
      action: 'block',
      exceeded: {
        feature: 'support',
        limit: 'max_input_tokens_per_call',
        allowed: 8000,
        requested: 66_667,
        estimated: true,
      },
    });
  });

  it('blocks the next call once the interaction spent its budget', () => {
    const decision = checkBudget(
      rule({ mode: 'block', maxCostPerInteraction: 0.05 }),
      call({ spend: { cost: 0.0501, calls: 7 } }),
    );

    expect(decision.action).toBe('block');
    expect(decision.action === 'block' && decision.exceeded.limit).toBe(
      'max_cost_per_interaction',
    );
  });

  it('blocks a call past the call limit', () => {
    const decision = checkBudget(
      rule({ mode: 'clamp', maxCallsPerInteraction: 3 }),
      call({ spend: { cost: 0, calls: 3 } }),
    );

    expect(decision.action === 'block' && decision.exceeded).toMatchObject({
      limit: 'max_calls_per_interaction',
      allowed: 3,
      requested: 4,
    });
  });

  it('reports every limit gone over in observe mode', () => {
    const decision = checkBudget(
      rule({ maxInputTokensPerCall: 10, maxOutputTokensPerCall: 10 }),
      call({ maxOutputTokens: 100 }),
    );

    expect(decision.action).toBe('observe');
    expect(
      decision.action === 'observe' &&
        decision.exceeded.map((facts) => facts.limit),
    ).toEqual(['max_input_tokens_per_call', 'max_output_tokens_per_call']);
  });

  it('clamps the output limit to the per-call limit', () => {
    const decision = checkBudget(
      rule({ mode: 'clamp', maxOutputTokensPerCall: 256 }),
      call({ maxOutputTokens: 4096 }),
    );

    expect(decision).toMatchObject({ action: 'clamp', maxOutputTokens: 256 });
  });

  it('clamps an unlimited request', () => {
    const decision = checkBudget(
      rule({ mode: 'clamp', maxOutputTokensPerCall: 256 }),
      call(),
    );

    expect(decision).toMatchObject({ action: 'clamp', maxOutputTokens: 256 });
  });

  it('clamps the output to what the money left buys', () => {
    // $0.01 left after $0.04 of $0.05; the prompt's 1,000 tokens at $2.50
    // per million cost $0.0025, leaving $0.0075 for output at $10 per
    // million: 750 tokens.
    const decision = checkBudget(
      rule({ mode: 'clamp', maxCostPerInteraction: 0.05 }),
      call({
        maxOutputTokens: 4096,
        spend: { cost: 0.04, calls: 1 },
        rates: { input: 2.5e-6, output: 10e-6 },
      }),
    );

    expect(decision).toMatchObject({ action: 'clamp', maxOutputTokens: 750 });
  });

  it('blocks in clamp mode when no output is affordable', () => {
    const decision = checkBudget(
      rule({ mode: 'clamp', maxCostPerInteraction: 0.05 }),
      call({
        spend: { cost: 0.0499, calls: 1 },
        rates: { input: 2.5e-6, output: 10e-6 },
      }),
    );

    expect(decision.action).toBe('block');
  });

  it('blocks a request for more output than allowed in block mode', () => {
    const decision = checkBudget(
      rule({ mode: 'block', maxOutputTokensPerCall: 100 }),
      call({ maxOutputTokens: 101 }),
    );

    expect(decision.action === 'block' && decision.exceeded.limit).toBe(
      'max_output_tokens_per_call',
    );
  });

  it('does not estimate the prompt without an input limit', () => {
    let estimated = false;
    checkBudget(
      rule({ mode: 'block', maxCallsPerInteraction: 5 }),
      call({
        estimateInput: () => {
          estimated = true;
          return { tokens: 1, estimated: true };
        },
      }),
    );

    expect(estimated).toBe(false);
  });
});

describe('TokenBudgetExceededError', () => {
  it('explains an oversized prompt to the user', () => {
    const error = new TokenBudgetExceededError({
      feature: 'support-chat',
      limit: 'max_input_tokens_per_call',
      allowed: 8000,
      requested: 66_667,
      estimated: true,
    });

    expect(error.message).toBe(
      'This request is too long for support-chat: about 66,667 tokens, over the limit of 8,000.',
    );
    expect(error.code).toBe('TOKEN_BUDGET_EXCEEDED');
    expect(error.name).toBe('TokenBudgetExceededError');
    expect(error).toBeInstanceOf(Error);
  });

  it('explains a spent interaction budget', () => {
    const error = new TokenBudgetExceededError({
      feature: 'agent',
      limit: 'max_cost_per_interaction',
      allowed: 0.05,
      requested: 0.0501,
      estimated: false,
    });

    expect(error.message).toBe(
      'This agent interaction has spent its budget of $0.05: $0.050100 so far.',
    );
  });
});
