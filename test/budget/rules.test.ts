import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  budgetRegistry,
  configureBudgets,
  configureBudgetsFromEnv,
} from '../../src/budget/registry.js';
import { BudgetConfigError, budgetsFromEnv } from '../../src/budget/rules.js';

afterEach(() => budgetRegistry().configure([]));

function errorOf(fn: () => unknown): BudgetConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BudgetConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a BudgetConfigError');
}

describe('configureBudgets', () => {
  it('finds the rule of a feature, or the * rule', () => {
    configureBudgets([
      { feature: 'chat', mode: 'block', maxInputTokensPerCall: 8000 },
      { feature: '*', maxCostPerInteraction: 1 },
    ]);
    const registry = budgetRegistry();

    expect(registry.active).toBe(true);
    expect(registry.ruleFor('chat')?.maxInputTokensPerCall).toBe(8000);
    expect(registry.ruleFor('other')?.maxCostPerInteraction).toBe(1);
  });

  it('names the field and the fix of a bad rule', () => {
    const error = errorOf(() =>
      configureBudgets([{ feature: 'chat', mode: 'stop' as never }]),
    );

    expect(error.field).toBe('budgets[0].mode');
    expect(error.message).toContain('Use one of observe, clamp, block');
  });

  it('rejects a limit that is not a positive number', () => {
    const error = errorOf(() =>
      configureBudgets([{ feature: 'chat', maxCostPerInteraction: -1 }]),
    );

    expect(error.field).toBe('budgets[0].maxCostPerInteraction');
    expect(error.message).toContain('in USD');
  });

  it('rejects an unknown field', () => {
    const error = errorOf(() =>
      configureBudgets([{ feature: 'chat', maxTokens: 5 } as never]),
    );

    expect(error.field).toBe('budgets[0].maxTokens');
  });
});

describe('budgetsFromEnv', () => {
  it('reads a YAML file and inline JSON', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenmeter-budgets-'));
    const file = join(folder, 'budgets.yaml');
    writeFileSync(
      file,
      'budgets:\n  - feature: chat\n    mode: clamp\n    maxOutputTokensPerCall: 500\n',
    );

    const rules = budgetsFromEnv({
      TOKENMETER_BUDGETS_FILE: file,
      TOKENMETER_BUDGETS: '[{"feature":"agent","maxCallsPerInteraction":8}]',
    });

    expect(rules).toEqual([
      { feature: 'chat', mode: 'clamp', maxOutputTokensPerCall: 500 },
      { feature: 'agent', mode: 'observe', maxCallsPerInteraction: 8 },
    ]);
  });

  it('names the variable of invalid inline JSON', () => {
    const error = errorOf(() =>
      budgetsFromEnv({ TOKENMETER_BUDGETS: '{feature: chat' }),
    );

    expect(error.source).toBe('TOKENMETER_BUDGETS');
    expect(error.message).toContain('is not valid JSON');
  });

  it('names a file without a budgets list', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenmeter-budgets-'));
    const file = join(folder, 'empty.yaml');
    writeFileSync(file, 'rules: []\n');

    expect(
      errorOf(() => budgetsFromEnv({ TOKENMETER_BUDGETS_FILE: file })).field,
    ).toBe('budgets');
  });

  it('configures the registry from the environment', () => {
    configureBudgetsFromEnv({
      TOKENMETER_BUDGETS: '{"budgets":[{"feature":"x"}]}',
    });

    expect(budgetRegistry().ruleFor('x')).toEqual({
      feature: 'x',
      mode: 'observe',
    });
  });
});
