import { describe, expect, it } from 'vitest';

import {
  hasInvalidCount,
  mergeReportedUsage,
  readReportedUsage,
  toCallUsage,
} from '../../../src/instrumentation/anthropic/usage.js';

describe('readReportedUsage', () => {
  it('reads every count Anthropic reports', () => {
    const reported = readReportedUsage({
      input_tokens: 3,
      cache_creation_input_tokens: 12304,
      cache_read_input_tokens: 0,
      output_tokens: 550,
      output_tokens_details: { thinking_tokens: 120 },
      service_tier: 'standard',
    });

    expect(reported).toEqual({
      input: 3,
      cacheWrite: 12304,
      cacheRead: 0,
      output: 550,
      thinking: 120,
      serviceTier: 'standard',
    });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative count', -1],
    ['a string', '550'],
    ['an object', { total: 550 }],
  ])('marks %s as invalid', (_case, value) => {
    const reported = readReportedUsage({
      input_tokens: 3,
      output_tokens: value,
    });

    expect(reported.output).toBe('invalid');
    expect(hasInvalidCount(reported)).toBe(true);
  });

  it('treats null as not reported', () => {
    const reported = readReportedUsage({
      input_tokens: 3,
      cache_read_input_tokens: null,
    });

    expect(reported.cacheRead).toBeUndefined();
    expect(hasInvalidCount(reported)).toBe(false);
  });

  it('reads nothing from a value that is not an object', () => {
    expect(readReportedUsage(undefined)).toEqual({});
    expect(readReportedUsage('usage')).toEqual({});
    expect(readReportedUsage([3, 550])).toEqual({});
  });
});

describe('mergeReportedUsage', () => {
  it('replaces each count with the later total', () => {
    const start = { input: 3, cacheWrite: 12304, cacheRead: 0, output: 1 };
    const delta = { output: 550 };

    expect(mergeReportedUsage(start, delta)).toEqual({
      input: 3,
      cacheWrite: 12304,
      cacheRead: 0,
      output: 550,
    });
  });

  it('keeps earlier counts the later report leaves out', () => {
    const merged = mergeReportedUsage(
      { input: 3, output: 1 },
      { input: undefined, output: 550 },
    );

    expect(merged.input).toBe(3);
  });
});

describe('toCallUsage', () => {
  it('adds cache reads and writes to the input', () => {
    const usage = toCallUsage({
      input: 3,
      cacheWrite: 12304,
      cacheRead: 0,
      output: 550,
    });

    expect(usage).toEqual({
      inputTokens: 12307,
      outputTokens: 550,
      cacheReadTokens: 0,
      cacheWriteTokens: 12304,
      reasoningTokens: undefined,
    });
  });

  it('counts missing cache counts as zero', () => {
    expect(toCallUsage({ input: 17, output: 137 }).inputTokens).toBe(17);
  });

  it('leaves out an input sum with an invalid part', () => {
    const usage = toCallUsage({ input: 3, cacheRead: 'invalid', output: 5 });

    expect(usage.inputTokens).toBeUndefined();
    expect(usage.cacheReadTokens).toBeUndefined();
    expect(usage.outputTokens).toBe(5);
  });

  it('keeps thinking as reasoning inside the output', () => {
    const usage = toCallUsage({ input: 49, output: 186, thinking: 90 });

    expect(usage.outputTokens).toBe(186);
    expect(usage.reasoningTokens).toBe(90);
  });
});
