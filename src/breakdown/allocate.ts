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
  const sizes = new Array<number>(segments.length);
  for (let index = 0; index < segments.length; index++) {
    sizes[index] = segments[index]!.size;
  }
  const tokens = apportion(counts.inputTokens, sizes);
  let cacheRead = counts.cacheReadTokens;
  let cacheWrite = counts.cacheWriteTokens;
  // Components repeat across segments (history turns, context parts), and
  // there are few of them, so a list is searched instead of a map.
  const shares: InputShare[] = [];

  for (let index = 0; index < segments.length; index++) {
    const component = segments[index]!.component;
    let remaining = tokens[index] ?? 0;
    const read = Math.min(remaining, cacheRead);
    cacheRead -= read;
    remaining -= read;
    const write = Math.min(remaining, cacheWrite);
    cacheWrite -= write;
    remaining -= write;

    let share = shares.find((existing) => existing.component === component);
    if (share === undefined) {
      share = { component, uncached: 0, cacheRead: 0, cacheWrite: 0 };
      shares.push(share);
    }
    share.cacheRead += read;
    share.cacheWrite += write;
    share.uncached += remaining;
  }
  return shares;
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
  const count = weights.length;
  if (count === 0) {
    return [];
  }
  let sum = 0;
  for (const weight of weights) {
    sum += Math.max(0, weight);
  }
  const parts = new Array<number>(count).fill(0);
  if (!(sum > 0)) {
    parts[count - 1] = total;
    return parts;
  }
  if (count === 1) {
    parts[0] = total;
    return parts;
  }

  const remainders = new Array<number>(count);
  let left = total;
  for (let index = 0; index < count; index++) {
    const exact = (total * Math.max(0, weights[index]!)) / sum;
    const part = Math.floor(exact);
    parts[index] = part;
    remainders[index] = exact - part;
    left -= part;
  }
  // The units left over go to the largest remainders, the earlier part
  // first on a tie.
  while (left > 0) {
    let best = 0;
    for (let index = 1; index < count; index++) {
      if (remainders[index]! > remainders[best]!) {
        best = index;
      }
    }
    parts[best]! += 1;
    remainders[best] = -1;
    left -= 1;
  }
  return parts;
}
