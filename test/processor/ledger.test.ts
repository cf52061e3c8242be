import { describe, expect, it, vi } from 'vitest';

import { InteractionLedger } from '../../src/processor/ledger.js';
import type { PricedCall } from '../../src/processor/types.js';

function call(input: number, output: number, cost?: number): PricedCall {
  return {
    feature: 'f',
    savings: [],
    call: {
      usage: {
        inputTokens: input,
        outputTokens: output,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        estimated: false,
      },
    },
    cost:
      cost === undefined
        ? undefined
        : {
            input: cost,
            cacheRead: 0,
            cacheWrite: 0,
            output: 0,
            reasoning: 0,
            inputAudio: 0,
            outputAudio: 0,
            inputImage: 0,
            outputImage: 0,
            webSearch: 0,
            request: 0,
            total: cost,
          },
  };
}

describe('InteractionLedger', () => {
  it('totals calls until the interaction closes', () => {
    const ledger = new InteractionLedger({
      timeoutMs: 1000,
      maxOpen: 10,
      onEvict: vi.fn(),
    });
    ledger.add('k', 'f', call(10, 5, 0.5));
    ledger.add('k', 'f', call(20, 1));

    expect(ledger.close('k')).toMatchObject({
      feature: 'f',
      calls: 2,
      unpricedCalls: 1,
      inputTokens: 30,
      outputTokens: 6,
      cost: 0.5,
    });
    expect(ledger.size).toBe(0);
    ledger.stop();
  });

  it('ignores calls that arrive after the interaction closed', () => {
    const ledger = new InteractionLedger({
      timeoutMs: 1000,
      maxOpen: 10,
      onEvict: vi.fn(),
    });
    ledger.add('k', 'f', call(1, 1, 1));
    ledger.close('k');
    ledger.add('k', 'f', call(1, 1, 1));

    expect(ledger.size).toBe(0);
    ledger.stop();
  });

  it('evicts interactions older than the timeout', () => {
    const onEvict = vi.fn();
    const ledger = new InteractionLedger({
      timeoutMs: 100,
      maxOpen: 10,
      onEvict,
    });
    ledger.add('old', 'f', call(1, 1, 1));
    const startedAt = ledger.peek('old')!.startedAt;

    ledger.sweep(startedAt + 50);
    expect(onEvict).not.toHaveBeenCalled();
    ledger.sweep(startedAt + 150);

    expect(onEvict).toHaveBeenCalledTimes(1);
    expect(ledger.size).toBe(0);
    ledger.stop();
  });

  it('stays within its size whatever the load', () => {
    const onEvict = vi.fn();
    const ledger = new InteractionLedger({
      timeoutMs: 60_000,
      maxOpen: 100,
      onEvict,
    });
    for (let index = 0; index < 10_000; index++) {
      ledger.add(`k${index}`, 'f', call(1, 1, 1));
    }

    expect(ledger.size).toBe(100);
    expect(onEvict).toHaveBeenCalledTimes(9_900);
    ledger.stop();
  });
});
