import { describe, expect, it } from 'vitest';

import {
  allocateInput,
  allocateOutput,
  apportion,
} from '../../src/breakdown/allocate.js';

describe('apportion', () => {
  it('splits a count into whole parts that add up', () => {
    // Exact shares 33.33, 33.33 and 33.33: the first part gets the unit left.
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(10, [5, 3, 2])).toEqual([5, 3, 2]);
    // 7 x 0.5 = 3.5 and 7 x 0.5 = 3.5; the tie goes to the first.
    expect(apportion(7, [1, 1])).toEqual([4, 3]);
  });

  it('gives everything to the last part without weights', () => {
    expect(apportion(9, [0, 0])).toEqual([0, 9]);
    expect(apportion(9, [])).toEqual([]);
  });

  it('always adds up to the total', () => {
    for (let total = 0; total < 200; total += 7) {
      const parts = apportion(total, [3.3, 0, 17, 1e-9, 5]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    }
  });
});

describe('allocateInput', () => {
  it('takes cache reads from the start of the prompt', () => {
    // Sizes 200 / 600 / 200 of 1,000 input tokens: 200, 600 and 200 tokens.
    const shares = allocateInput(
      [
        { component: 'system', size: 200 },
        { component: 'history', size: 600 },
        { component: 'user_input', size: 200 },
      ],
      { inputTokens: 1000, cacheReadTokens: 500, cacheWriteTokens: 300 },
    );

    expect(shares).toEqual([
      { component: 'system', cacheRead: 200, cacheWrite: 0, uncached: 0 },
      { component: 'history', cacheRead: 300, cacheWrite: 300, uncached: 0 },
      { component: 'user_input', cacheRead: 0, cacheWrite: 0, uncached: 200 },
    ]);
  });

  it('merges segments of one component', () => {
    const shares = allocateInput(
      [
        { component: 'history', size: 1 },
        { component: 'user_input', size: 1 },
        { component: 'history', size: 2 },
      ],
      { inputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 },
    );

    expect(shares).toEqual([
      { component: 'history', cacheRead: 0, cacheWrite: 0, uncached: 30 },
      { component: 'user_input', cacheRead: 0, cacheWrite: 0, uncached: 10 },
    ]);
  });
});

describe('allocateOutput', () => {
  it('keeps reported reasoning and splits the rest by size', () => {
    expect(
      allocateOutput(
        [
          { component: 'text', size: 30 },
          { component: 'tool_calls', size: 10 },
        ],
        { outputTokens: 300, reasoningTokens: 100 },
      ),
    ).toEqual([
      { component: 'reasoning', tokens: 100 },
      { component: 'text', tokens: 150 },
      { component: 'tool_calls', tokens: 50 },
    ]);
  });

  it('counts visible output as text without sizes', () => {
    expect(
      allocateOutput([], { outputTokens: 12, reasoningTokens: 0 }),
    ).toEqual([{ component: 'text', tokens: 12 }]);
  });
});
