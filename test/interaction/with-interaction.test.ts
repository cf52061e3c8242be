import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  activeInteraction,
  withInteraction,
} from '../../src/interaction/with-interaction.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

let tracing: TestTracing;

beforeEach(() => {
  tracing = setupTracing();
});

afterEach(async () => {
  await tracing.shutdown();
});

describe('withInteraction', () => {
  it('returns the same promise that fn returns', async () => {
    const promise = Promise.resolve(42);

    const result = withInteraction({ feature: 'f' }, () => promise);

    expect(result).toBe(promise);
    await expect(result).resolves.toBe(42);
  });

  it('returns the value of a synchronous fn and ends the span', () => {
    const result = withInteraction({ feature: 'sync' }, () => 'value');

    expect(result).toBe('value');
    expect(tracing.spans().map((span) => span.name)).toEqual([
      'interaction sync',
    ]);
  });

  it('rethrows the same error and marks the span failed', () => {
    const error = new Error('boom');

    expect(() =>
      withInteraction({ feature: 'f' }, () => {
        throw error;
      }),
    ).toThrow(error);
    const [span] = tracing.spans();
    expect(span?.status.code).toBe(2);
    expect(span?.events[0]?.name).toBe('exception');
  });

  it('passes a rejection through and ends the span once', async () => {
    const error = new Error('rejected');

    await expect(
      withInteraction({ feature: 'f' }, () => Promise.reject(error)),
    ).rejects.toBe(error);
    await new Promise((resolve) => setImmediate(resolve));

    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]?.status.code).toBe(2);
  });

  it('puts the feature and id on its span and in baggage', () => {
    withInteraction(
      {
        feature: 'support',
        id: 'abc-123',
        attributes: { 'app.customer': 'c1' },
      },
      (interaction) => {
        expect(interaction.id).toBe('abc-123');
        expect(interaction.feature).toBe('support');
        expect(activeInteraction()?.id).toBe('abc-123');
        expect(activeInteraction()?.feature).toBe('support');

        const baggage = propagation.getBaggage(context.active());
        expect(baggage?.getEntry('tokenmeter.feature')?.value).toBe('support');
        expect(baggage?.getEntry('tokenmeter.interaction.id')?.value).toBe(
          'abc-123',
        );
        expect(trace.getActiveSpan()).toBeDefined();
      },
    );

    const attributes = tracing.spans()[0]?.attributes;
    expect(attributes?.['tokenmeter.feature']).toBe('support');
    expect(attributes?.['tokenmeter.interaction.id']).toBe('abc-123');
    expect(attributes?.['app.customer']).toBe('c1');
  });

  it('generates a random id', () => {
    const ids = ['a', 'b'].map(() =>
      withInteraction({ feature: 'f' }, (interaction) => interaction.id),
    );

    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('uses "unknown" for an empty feature instead of throwing', () => {
    const feature = withInteraction(
      { feature: '  ' },
      (interaction) => interaction.feature,
    );

    expect(feature).toBe('unknown');
  });

  it('keeps the existing baggage entries', () => {
    const baggage = propagation.createBaggage({ tenant: { value: 't1' } });
    context.with(propagation.setBaggage(context.active(), baggage), () => {
      withInteraction({ feature: 'f' }, () => {
        const inner = propagation.getBaggage(context.active());
        expect(inner?.getEntry('tenant')?.value).toBe('t1');
      });
    });
  });

  it('has no active interaction outside', () => {
    expect(activeInteraction()).toBeUndefined();
  });
});
