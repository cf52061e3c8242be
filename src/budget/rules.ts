import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';

import type { BudgetMode, BudgetRule } from './types.js';

/** Raised at start-up for a budget file or option that is not valid. */
export class BudgetConfigError extends Error {
  override readonly name = 'BudgetConfigError';

  constructor(
    /** The file, the variable or `budgets` for rules given in code. */
    readonly source: string,
    /** The path of the offending field, such as `budgets[0].mode`. */
    readonly field: string,
    problem: string,
    fix: string,
  ) {
    super(`Invalid budget config in ${source}: ${field} ${problem}. ${fix}`);
  }
}

const MODES: readonly BudgetMode[] = ['observe', 'clamp', 'block'];
const LIMITS = [
  'maxInputTokensPerCall',
  'maxOutputTokensPerCall',
  'maxCostPerInteraction',
  'maxCallsPerInteraction',
] as const;
const EXAMPLE =
  'A rule looks like: { feature: support-chat, mode: block, ' +
  'maxInputTokensPerCall: 8000, maxCostPerInteraction: 0.05 }.';

/**
 * Reads budget rules from the environment: `TOKENMETER_BUDGETS_FILE` names
 * a YAML or JSON file with a top-level `budgets` list, and
 * `TOKENMETER_BUDGETS` contains such a list as JSON. Both may be set; the
 * file's rules come first.
 */
export function budgetsFromEnv(env: NodeJS.ProcessEnv): BudgetRule[] {
  const rules: BudgetRule[] = [];
  const file = env.TOKENMETER_BUDGETS_FILE?.trim();
  if (file) {
    rules.push(...loadBudgetFile(file));
  }
  const inline = env.TOKENMETER_BUDGETS?.trim();
  if (inline) {
    rules.push(...parseInline(inline));
  }
  return rules;
}

/** Reads a YAML or JSON file with a top-level `budgets` list. */
export function loadBudgetFile(path: string): BudgetRule[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BudgetConfigError(
      path,
      'the file',
      `cannot be read as YAML or JSON (${firstLine(error)})`,
      'Check the path in TOKENMETER_BUDGETS_FILE and the file syntax.',
    );
  }
  if (!isRecord(document) || !Array.isArray(document.budgets)) {
    throw new BudgetConfigError(
      path,
      'budgets',
      'is missing or not a list',
      `Put the rules in a top-level "budgets" list. ${EXAMPLE}`,
    );
  }
  return validateBudgets(document.budgets, path);
}

function parseInline(text: string): BudgetRule[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BudgetConfigError(
      'TOKENMETER_BUDGETS',
      'the value',
      `is not valid JSON (${firstLine(error)})`,
      `Give a JSON list of rules. ${EXAMPLE}`,
    );
  }
  const list = isRecord(value) ? value.budgets : value;
  if (!Array.isArray(list)) {
    throw new BudgetConfigError(
      'TOKENMETER_BUDGETS',
      'the value',
      'is not a list',
      `Give a JSON list of rules. ${EXAMPLE}`,
    );
  }
  return validateBudgets(list, 'TOKENMETER_BUDGETS');
}

/** Checks every field of a list of budget rules. */
export function validateBudgets(
  rules: unknown[],
  source: string,
): BudgetRule[] {
  return rules.map((rule, index) =>
    validateRule(rule, source, `budgets[${index}]`),
  );
}

function validateRule(rule: unknown, source: string, path: string): BudgetRule {
  if (!isRecord(rule)) {
    throw new BudgetConfigError(source, path, 'is not an object', EXAMPLE);
  }
  if (typeof rule.feature !== 'string' || rule.feature.trim() === '') {
    throw new BudgetConfigError(
      source,
      `${path}.feature`,
      'is missing or not a non-empty string',
      'Name the feature as withInteraction does, or use * for every feature.',
    );
  }
  const mode = rule.mode ?? 'observe';
  if (!MODES.includes(mode as BudgetMode)) {
    throw new BudgetConfigError(
      source,
      `${path}.mode`,
      `is ${JSON.stringify(mode)}`,
      `Use one of ${MODES.join(', ')}.`,
    );
  }

  const result: BudgetRule = {
    feature: rule.feature.trim(),
    mode: mode as BudgetMode,
  };
  for (const key of Object.keys(rule)) {
    if (
      key !== 'feature' &&
      key !== 'mode' &&
      !LIMITS.includes(key as (typeof LIMITS)[number])
    ) {
      throw new BudgetConfigError(
        source,
        `${path}.${key}`,
        'is not a known field',
        `Use feature, mode, ${LIMITS.join(', ')}.`,
      );
    }
  }
  for (const limit of LIMITS) {
    const value = rule[limit];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new BudgetConfigError(
        source,
        `${path}.${limit}`,
        `must be a positive number, got ${JSON.stringify(value)}`,
        limit === 'maxCostPerInteraction'
          ? 'Give the amount in USD, such as 0.05.'
          : 'Give a whole number, such as 8000.',
      );
    }
    result[limit] = value;
  }
  return result;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').replace(/:$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
