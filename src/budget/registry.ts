import { budgetsFromEnv, validateBudgets } from './rules.js';
import type { BudgetRule } from './types.js';

/** The spend of an interaction so far. */
export interface Spend {
  /** Cost of its priced calls, in USD. */
  cost: number;
  calls: number;
}

/**
 * The source of spend and prices that budget checks read: the
 * `CostSpanProcessor`, which keeps the interaction ledger and the prices.
 */
export interface SpendSource {
  /** The spend of an open interaction, by its ledger key. */
  spend(key: string): Spend | undefined;
  /** USD per input and output token of a model, where its price is known. */
  rates(
    provider: string | undefined,
    model: string,
  ): { input: number; output: number } | undefined;
}

/** Budget rules by feature, and where spend is read from. */
export class BudgetRegistry {
  private byFeature = new Map<string, BudgetRule>();
  private fallback?: BudgetRule;
  private source?: SpendSource;

  /** True when at least one rule is configured. */
  get active(): boolean {
    return this.byFeature.size > 0 || this.fallback !== undefined;
  }

  /** Replaces the rules. A later rule for the same feature wins. */
  configure(rules: readonly BudgetRule[]): void {
    this.byFeature = new Map();
    this.fallback = undefined;
    for (const rule of rules) {
      if (rule.feature === '*') {
        this.fallback = rule;
      } else {
        this.byFeature.set(rule.feature, rule);
      }
    }
  }

  /** The rule of a feature, or the `*` rule. */
  ruleFor(feature: string): BudgetRule | undefined {
    return this.byFeature.get(feature) ?? this.fallback;
  }

  /** Sets where spend is read from; the last processor built wins. */
  setSpendSource(source: SpendSource | undefined): void {
    this.source = source;
  }

  get spendSource(): SpendSource | undefined {
    return this.source;
  }
}

// One registry per process, shared by the ESM and CommonJS builds.
const REGISTRY_KEY = Symbol.for('tokenmeter.budgets');

/** The process-wide budget registry. */
export function budgetRegistry(): BudgetRegistry {
  const holder = globalThis as Record<symbol, BudgetRegistry | undefined>;
  holder[REGISTRY_KEY] ??= new BudgetRegistry();
  return holder[REGISTRY_KEY];
}

/**
 * Sets the budget rules of every feature, replacing earlier ones, and
 * checks them: throws `BudgetConfigError` naming the field and the fix.
 *
 * ```js
 * configureBudgets([
 *   { feature: 'support-chat', mode: 'block', maxInputTokensPerCall: 8000 },
 * ]);
 * ```
 */
export function configureBudgets(rules: BudgetRule[]): void {
  budgetRegistry().configure(validateBudgets(rules, 'configureBudgets()'));
}

/** Configures the rules given by `TOKENMETER_BUDGETS_FILE` and `TOKENMETER_BUDGETS`. */
export function configureBudgetsFromEnv(env: NodeJS.ProcessEnv): void {
  const rules = budgetsFromEnv(env);
  if (rules.length > 0) {
    budgetRegistry().configure(rules);
  }
}
