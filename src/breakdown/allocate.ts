import type { InputComponent, OutputComponent, Segment } from './components.js';

/** Input tokens of one component, by how the provider billed them. */
export interface InputShare {
  component: InputComponent;
  uncached: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Output tokens of one component. */
export interface OutputShare {
  component: OutputComponent;
  tokens: number;
}

/** The input token counts a provider reported for one call. */
export interface InputCounts {
  /** All input tokens, cache reads and writes included. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/**
 * Shares a call's exact input token count out over the prompt's
 * components in proportion to their sizes, in whole tokens that add up to
 * the count. Cached tokens are a prefix of the prompt, so cache reads are
 * taken from the first segments, then cache writes, and the rest is
 * uncached.
 */
export function allocateInput(
  segments: readonly Segment<InputComponent>[],
  counts: InputCounts,
): InputShare[] {
  const tokens = apportion(
    counts.inputTokens,
    segments.map((segment) => segment.size),
  );
  let cacheRead = counts.cacheReadTokens;
  let cacheWrite = counts.cacheWriteTokens;
  const shares = new Map<InputComponent, InputShare>();

  segments.forEach((segment, index) => {
    let remaining = tokens[index] ?? 0;
    const read = Math.min(remaining, cacheRead);
    cacheRead -= read;
    remaining -= read;
    const write = Math.min(remaining, cacheWrite);
    cacheWrite -= write;
    remaining -= write;

    const share = shares.get(segment.component) ?? {
      component: segment.component,
      uncached: 0,
      cacheRead: 0,
      cacheWrite: 0,
    };
    share.cacheRead += read;
    share.cacheWrite += write;
    share.uncached += remaining;
    shares.set(segment.component, share);
  });
  return [...shares.values()];
}

/**
 * Shares a call's output tokens out: reasoning tokens as the provider
 * reported them, and the rest over text and tool calls by their sizes.
 * Without sizes, the visible output is all text.
 */
export function allocateOutput(
  segments: readonly Segment<OutputComponent>[],
  counts: { outputTokens: number; reasoningTokens: number },
): OutputShare[] {
  const shares: OutputShare[] = [];
  const reasoning = Math.min(counts.reasoningTokens, counts.outputTokens);
  if (reasoning > 0) {
    shares.push({ component: 'reasoning', tokens: reasoning });
  }

  const visible = counts.outputTokens - reasoning;
  if (visible <= 0) {
    return shares;
  }
  if (segments.length === 0) {
    shares.push({ component: 'text', tokens: visible });
    return shares;
  }

  const tokens = apportion(
    visible,
    segments.map((segment) => segment.size),
  );
  segments.forEach((segment, index) => {
    const existing = shares.find(
      (share) => share.component === segment.component,
    );
    if (existing) {
      existing.tokens += tokens[index] ?? 0;
    } else {
      shares.push({ component: segment.component, tokens: tokens[index] ?? 0 });
    }
  });
  return shares.filter((share) => share.tokens > 0);
}

/**
 * Splits a whole number in proportion to weights, in whole numbers that
 * add up to it: each part is rounded down, and the units left over go to
 * the parts with the largest remainders (the largest remainder method).
 * With no positive weight, everything goes to the last part.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + Math.max(0, weight), 0);
  if (weights.length === 0) {
    return [];
  }
  if (!(sum > 0)) {
    return weights.map((_, index) =>
      index === weights.length - 1 ? total : 0,
    );
  }

  const exact = weights.map((weight) => (total * Math.max(0, weight)) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) {
      break;
    }
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}
