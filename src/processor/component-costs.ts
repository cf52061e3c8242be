import {
  allocateInput,
  allocateOutput,
  type InputShare,
} from '../breakdown/allocate.js';
import {
  readCompletionSegments,
  readPromptSegments,
} from '../breakdown/attributes.js';
import type { CostBreakdown } from '../pricing/cost.js';
import {
  COMPONENT_VALUE_OTHER,
  COMPONENT_VALUE_UNKNOWN,
  TOKEN_TYPE_CACHE_READ,
  TOKEN_TYPE_CACHE_WRITE,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_INPUT_AUDIO,
  TOKEN_TYPE_INPUT_IMAGE,
  TOKEN_TYPE_OUTPUT,
  TOKEN_TYPE_OUTPUT_AUDIO,
  TOKEN_TYPE_OUTPUT_IMAGE,
  TOKEN_TYPE_REASONING,
  TOKEN_TYPE_REQUEST,
  TOKEN_TYPE_WEB_SEARCH,
} from '../semconv.js';
import type { AttributeMap, NormalizedUsage } from '../usage/types.js';

/** The tokens and cost of one component of a call, for one token type. */
export interface ComponentCost {
  component: string;
  tokenType: string;
  tokens: number;
  cost: number;
}

/** A call's cost by component, and whether a prompt breakdown was known. */
export interface ComponentCosts {
  parts: ComponentCost[];
  /** False for spans without tokenmeter's prompt sizes. */
  broken: boolean;
}

/**
 * Shares a priced call's cost out over the components of its prompt and
 * response. Each token type's cost is split in proportion to the tokens of
 * that type that each component was given, so the parts add up to the
 * call's cost. Without a breakdown on the span, input costs go to
 * `unknown`; fees that are not tokens go to `other`.
 */
export function componentCosts(
  attributes: AttributeMap,
  usage: NormalizedUsage,
  cost: CostBreakdown,
): ComponentCosts {
  const prompt = readPromptSegments(attributes);
  const parts: ComponentCost[] = [];

  if (prompt) {
    const shares = allocateInput(prompt, usage);
    splitByShare(
      parts,
      shares,
      TOKEN_TYPE_INPUT,
      cost.input,
      (s) => s.uncached,
    );
    splitByShare(
      parts,
      shares,
      TOKEN_TYPE_CACHE_READ,
      cost.cacheRead,
      (s) => s.cacheRead,
    );
    splitByShare(
      parts,
      shares,
      TOKEN_TYPE_CACHE_WRITE,
      cost.cacheWrite,
      (s) => s.cacheWrite,
    );
  } else {
    const uncached =
      usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
    add(parts, COMPONENT_VALUE_UNKNOWN, TOKEN_TYPE_INPUT, uncached, cost.input);
    add(
      parts,
      COMPONENT_VALUE_UNKNOWN,
      TOKEN_TYPE_CACHE_READ,
      usage.cacheReadTokens,
      cost.cacheRead,
    );
    add(
      parts,
      COMPONENT_VALUE_UNKNOWN,
      TOKEN_TYPE_CACHE_WRITE,
      usage.cacheWriteTokens,
      cost.cacheWrite,
    );
  }

  addOutput(parts, attributes, usage, cost);
  add(parts, COMPONENT_VALUE_OTHER, TOKEN_TYPE_INPUT_AUDIO, 0, cost.inputAudio);
  add(parts, COMPONENT_VALUE_OTHER, TOKEN_TYPE_INPUT_IMAGE, 0, cost.inputImage);
  add(
    parts,
    COMPONENT_VALUE_OTHER,
    TOKEN_TYPE_OUTPUT_AUDIO,
    0,
    cost.outputAudio,
  );
  add(
    parts,
    COMPONENT_VALUE_OTHER,
    TOKEN_TYPE_OUTPUT_IMAGE,
    0,
    cost.outputImage,
  );
  add(parts, COMPONENT_VALUE_OTHER, TOKEN_TYPE_WEB_SEARCH, 0, cost.webSearch);
  add(parts, COMPONENT_VALUE_OTHER, TOKEN_TYPE_REQUEST, 0, cost.request);
  return { parts, broken: prompt !== undefined };
}

function addOutput(
  parts: ComponentCost[],
  attributes: AttributeMap,
  usage: NormalizedUsage,
  cost: CostBreakdown,
): void {
  const completion = readCompletionSegments(attributes) ?? [];
  const shares = allocateOutput(completion, usage);
  const visible = shares.filter((share) => share.component !== 'reasoning');
  const visibleTokens = visible.reduce((sum, share) => sum + share.tokens, 0);

  for (const share of visible) {
    const component =
      completion.length > 0 ? share.component : COMPONENT_VALUE_UNKNOWN;
    const portion = visibleTokens > 0 ? share.tokens / visibleTokens : 0;
    add(
      parts,
      component,
      TOKEN_TYPE_OUTPUT,
      share.tokens,
      cost.output * portion,
    );
  }
  add(
    parts,
    'reasoning',
    TOKEN_TYPE_REASONING,
    usage.reasoningTokens,
    cost.reasoning,
  );
}

function splitByShare(
  parts: ComponentCost[],
  shares: readonly InputShare[],
  tokenType: string,
  cost: number,
  tokensOf: (share: InputShare) => number,
): void {
  const total = shares.reduce((sum, share) => sum + tokensOf(share), 0);
  for (const share of shares) {
    const tokens = tokensOf(share);
    add(
      parts,
      share.component,
      tokenType,
      tokens,
      total > 0 ? (cost * tokens) / total : 0,
    );
  }
}

function add(
  parts: ComponentCost[],
  component: string,
  tokenType: string,
  tokens: number,
  cost: number,
): void {
  if (tokens > 0 || cost > 0) {
    parts.push({ component, tokenType, tokens, cost });
  }
}
