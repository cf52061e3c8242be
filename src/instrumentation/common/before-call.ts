import { context, trace, type Attributes } from '@opentelemetry/api';

import { checkBudget, type BudgetDecision } from '../../budget/check.js';
import {
  TokenBudgetExceededError,
  type BudgetExceeded,
} from '../../budget/error.js';
import { estimateInputTokens } from '../../budget/estimate.js';
import { budgetRegistry } from '../../budget/registry.js';
import type { BudgetRule } from '../../budget/types.js';
import { promptAttributes } from '../../breakdown/attributes.js';
import {
  lengthMeasure,
  measurePrompt,
  type Measure,
} from '../../breakdown/measure.js';
import { ledgerKeyOf, scopeOf } from '../../interaction/scope.js';
import {
  encodingForModel,
  loadedTokenCounter,
  loadTokenCounter,
} from '../../tokenizer/index.js';
import {
  ATTR_TOKENMETER_BUDGET_ACTION,
  ATTR_TOKENMETER_BUDGET_ALLOWED,
  ATTR_TOKENMETER_BUDGET_ESTIMATED,
  ATTR_TOKENMETER_BUDGET_LIMIT,
  ATTR_TOKENMETER_BUDGET_MAX_OUTPUT_TOKENS,
  ATTR_TOKENMETER_BUDGET_MODE,
  ATTR_TOKENMETER_BUDGET_REQUESTED,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_ROUTING_INSTEAD_OF,
  EVENT_TOKENMETER_BUDGET_EXCEEDED,
  PROMPT_SIZE_UNIT_VALUE_CHARS,
  PROMPT_SIZE_UNIT_VALUE_TOKENS,
} from '../../semconv.js';
import { routingOf } from '../../interaction/routing.js';
import { environmentValue } from '../../internal/environment.js';

/** A model call about to be sent, as the instrumentation read it. */
export interface CallRequest {
  provider: string;
  model?: string;
  /** The request params as the app passed them; never changed here. */
  params: Record<string, unknown>;
  /**
   * The prompt in a request shape that `measurePrompt` reads (OpenAI chat
   * or Responses, Anthropic messages), when `params` has another, such as
   * a Gemini or Bedrock request. Defaults to `params`.
   */
  prompt?: unknown;
  /**
   * Reads and sets the request's output token limit (`max_tokens`,
   * `max_output_tokens`, ...), which `clamp` lowers. Without it, the limit
   * counts as unset.
   */
  outputLimit?: OutputLimit;
}

/** The output token limit field of one API's requests. */
export interface OutputLimit {
  /** The limit the request sets, or undefined when it sets none. */
  read(params: Record<string, unknown>): number | undefined;
  /**
   * Returns a copy of the params with the limit set. Absent when the limit
   * cannot be changed, as in an opaque request body: a call whose output
   * `clamp` would lower then goes ahead unchanged, as in `observe`.
   */
  write?(
    params: Record<string, unknown>,
    limit: number,
  ): Record<string, unknown>;
}

/** A span event to add to the call's span. */
export interface CallEvent {
  name: string;
  attributes: Attributes;
}

/** What the call should be sent with, and what its span should carry. */
export interface PreparedCall {
  /** The params to send: the app's own object, or a clamped copy. */
  params: Record<string, unknown>;
  attributes: Attributes;
  events: CallEvent[];
  /** Set when the call must not be sent. */
  blocked?: TokenBudgetExceededError;
}

/**
 * How prompt and response components are sized: by length, exactly by
 * tokens, or not at all.
 */
export type BreakdownMode = 'chars' | 'tokens' | 'off';

/**
 * Prepares a model call before it is sent: sizes the prompt's components
 * for the cost breakdown (no text is kept) and checks the call against its
 * feature's budget, which may clamp the output limit on a copy of the
 * params or block the call. Cheap when no budget applies: one walk over
 * the request for the sizes.
 */
export function prepareCall(
  request: CallRequest,
  mode: BreakdownMode = breakdownMode(),
): PreparedCall {
  const active = context.active();
  const scope = scopeOf(active);
  const feature = scope?.feature;
  const measured = measurePromptOf(request, mode, scope?.contextTexts ?? []);
  const prepared: PreparedCall = {
    params: request.params,
    attributes: measured,
    events: [],
  };

  const insteadOf = routingOf(active);
  if (insteadOf !== undefined) {
    prepared.attributes[ATTR_TOKENMETER_ROUTING_INSTEAD_OF] = insteadOf;
  }

  const registry = budgetRegistry();
  const rule = registry.active
    ? registry.ruleFor(feature || 'default')
    : undefined;
  if (rule) {
    const traceId = trace.getSpanContext(active)?.traceId ?? '';
    const key = ledgerKeyOf(scope, traceId);
    applyDecision(
      prepared,
      request,
      rule,
      decide(request, rule, feature || 'default', key),
    );
  }
  return prepared;
}

function decide(
  request: CallRequest,
  rule: BudgetRule,
  feature: string,
  key: string | undefined,
): BudgetDecision {
  const source = budgetRegistry().spendSource;
  let estimate: ReturnType<typeof estimateInputTokens> | undefined;
  return checkBudget(rule, {
    feature,
    maxOutputTokens: request.outputLimit?.read(request.params),
    spend: key === undefined ? undefined : source?.spend(key),
    rates:
      request.model === undefined
        ? undefined
        : source?.rates(request.provider, request.model),
    estimateInput: (limit) => {
      estimate ??= estimateInputTokens(promptOf(request), request.model, limit);
      return estimate;
    },
  });
}

function applyDecision(
  prepared: PreparedCall,
  request: CallRequest,
  rule: BudgetRule,
  decision: BudgetDecision,
): void {
  if (decision.action === 'allow') {
    return;
  }
  const mode = rule.mode ?? 'observe';
  prepared.attributes[ATTR_TOKENMETER_BUDGET_ACTION] = decision.action;

  if (decision.action === 'block') {
    prepared.events.push(exceededEvent(decision.exceeded, mode));
    prepared.blocked = new TokenBudgetExceededError(decision.exceeded);
    return;
  }
  for (const exceeded of decision.exceeded) {
    prepared.events.push(exceededEvent(exceeded, mode));
  }
  if (decision.action === 'clamp') {
    clampOutput(prepared, request, decision.maxOutputTokens);
  }
}

/**
 * Sends a copy of the params with the lowered output limit, or, when the
 * request's limit cannot be written, lets the call go as in `observe`.
 */
function clampOutput(
  prepared: PreparedCall,
  request: CallRequest,
  limit: number,
): void {
  const field = request.outputLimit;
  if (field?.write === undefined) {
    prepared.attributes[ATTR_TOKENMETER_BUDGET_ACTION] = 'observe';
    return;
  }
  prepared.params = field.write(request.params, limit);
  prepared.attributes[ATTR_TOKENMETER_BUDGET_MAX_OUTPUT_TOKENS] = limit;
}

function exceededEvent(exceeded: BudgetExceeded, mode: string): CallEvent {
  return {
    name: EVENT_TOKENMETER_BUDGET_EXCEEDED,
    attributes: {
      [ATTR_TOKENMETER_FEATURE]: exceeded.feature,
      [ATTR_TOKENMETER_BUDGET_LIMIT]: exceeded.limit,
      [ATTR_TOKENMETER_BUDGET_MODE]: mode,
      [ATTR_TOKENMETER_BUDGET_ALLOWED]: exceeded.allowed,
      [ATTR_TOKENMETER_BUDGET_REQUESTED]: Number.isFinite(exceeded.requested)
        ? exceeded.requested
        : -1,
      [ATTR_TOKENMETER_BUDGET_ESTIMATED]: exceeded.estimated,
    },
  };
}

function measurePromptOf(
  request: CallRequest,
  mode: BreakdownMode,
  contextTexts: readonly string[],
): Attributes {
  if (mode === 'off') {
    return {};
  }
  if (mode === 'tokens') {
    const choice = encodingForModel(request.model);
    const counter = loadedTokenCounter(choice.encoding);
    if (counter) {
      const exact: Measure = {
        size: (text) => counter.count(text),
        contextTexts,
      };
      return promptAttributes(
        measurePrompt(promptOf(request), exact),
        PROMPT_SIZE_UNIT_VALUE_TOKENS,
      );
    }
    // Sized by length until the tokenizer has loaded.
    void loadTokenCounter(choice.encoding);
  }
  return promptAttributes(
    measurePrompt(promptOf(request), lengthMeasure(contextTexts)),
    PROMPT_SIZE_UNIT_VALUE_CHARS,
  );
}

function promptOf(request: CallRequest): unknown {
  return request.prompt ?? request.params;
}

/**
 * Returns the breakdown mode of `TOKENMETER_BREAKDOWN`, from `env` or as
 * first read from the process: `exact` counts prompt components with the
 * model family's tokenizer, `off` sizes nothing, and anything else sizes
 * them by length, which needs no tokenizer.
 */
export function breakdownMode(env?: NodeJS.ProcessEnv): BreakdownMode {
  const value = env
    ? env.TOKENMETER_BREAKDOWN
    : environmentValue('TOKENMETER_BREAKDOWN');
  switch (value?.trim().toLowerCase()) {
    case 'exact':
      return 'tokens';
    case 'off':
      return 'off';
    default:
      return 'chars';
  }
}
