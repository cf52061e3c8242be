import { describe, expect, it } from 'vitest';

import { estimateInputTokens } from '../../src/budget/estimate.js';
import { loadTokenCounter } from '../../src/tokenizer/index.js';

// 50,000 words of five letters and a space: 300,000 characters.
const LONG_DOCUMENT = 'hello '.repeat(50_000);

describe('estimateInputTokens', () => {
  it('estimates from size alone far from the limit', () => {
    const estimate = estimateInputTokens(
      { messages: [{ role: 'user', content: LONG_DOCUMENT }] },
      'gpt-4o-mini',
      8000,
    );

    // 300,000 characters / 4, plus 3 tokens of message overhead.
    expect(estimate).toEqual({ tokens: 75_003, estimated: true });
  });

  it('counts exactly near the limit once the tokenizer is loaded', async () => {
    await loadTokenCounter('o200k_base');
    const params = {
      messages: [{ role: 'user', content: 'hello '.repeat(1000) }],
    };

    const estimate = estimateInputTokens(params, 'gpt-4o-mini', 1500);

    // o200k_base encodes "hello" and each " hello" as one token: 1,000
    // tokens, and the trailing space one more; plus 3 of overhead.
    expect(estimate).toEqual({ tokens: 1004, estimated: false });
  });

  it('marks counts for non-OpenAI models as estimated', async () => {
    await loadTokenCounter('o200k_base');
    const params = {
      messages: [{ role: 'user', content: 'hello '.repeat(1000) }],
    };

    expect(
      estimateInputTokens(params, 'claude-3-7-sonnet', 1500).estimated,
    ).toBe(true);
  });
});
