import { context, propagation } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordCacheHit } from '../../src/interaction/cache-hit.js';
import { withRouting } from '../../src/interaction/routing.js';
import { withInteraction } from '../../src/interaction/with-interaction.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  pointsOf,
  setupMetrics,
  total,
  type TestMetrics,
} from '../support/metrics.js';
import { recording } from '../support/recordings.js';
import {
  clientsFor,
  instrumentBoth,
  type Clients,
} from '../support/sdk-clients.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

let server: ReplayServer;
let tracing: TestTracing;
let meters: TestMetrics;
let clients: Clients;
let uninstrument: () => void;

beforeAll(async () => {
  server = new ReplayServer({
    recordings: [
      recording(
        'openai--set-cache-read-input-tokens-in-span-for-responses-with-cached-tokens',
      ),
      recording(
        'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
      ),
    ],
  });
  await server.start();
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({
      meterProvider: meters.meterProvider,
      baggageMetricKeys: ['tenant.plan'],
      baggageSpanKeys: ['tenant.id'],
    }),
  ]);
  uninstrument = instrumentBoth();
  clients = clientsFor(server);
});

afterAll(async () => {
  uninstrument();
  await tracing.shutdown();
  await meters.shutdown();
  await server.close();
});

function saved(reason: string, feature: string): number {
  return total(lastPoints, 'tokenmeter.cost.saved', {
    'tokenmeter.saving.reason': reason,
    'tokenmeter.feature': feature,
  });
}

let lastPoints: Awaited<ReturnType<TestMetrics['collect']>> = [];

describe('savings', () => {
  it('count the prompt cache at the full input rate', async () => {
    const exchange = recording(
      'openai--set-cache-read-input-tokens-in-span-for-responses-with-cached-tokens',
    ).exchanges[0]!;
    await withInteraction({ feature: 'cached' }, () =>
      clients.openai.responses.create(exchange.request.body as never),
    );

    lastPoints = await meters.collect();
    // 13 of 14 input tokens read from the cache: 13 x ($0.15 - $0.075)
    // per million on gpt-4o-mini.
    expect(saved('prompt_cache', 'cached')).toBeCloseTo((13 * 0.075) / 1e6, 15);
  });

  it('count a response served from the app cache', async () => {
    await withInteraction({ feature: 'faq' }, async () => {
      recordCacheHit({
        provider: 'openai',
        model: 'gpt-4o',
        usage: { inputTokens: 1000, outputTokens: 200 },
      });
    });

    lastPoints = await meters.collect();
    // 1,000 x $2.50 + 200 x $10 per million tokens avoided.
    expect(saved('response_cache', 'faq')).toBeCloseTo(0.0045, 15);
    expect(
      pointsOf(lastPoints, 'tokenmeter.cost', { 'tokenmeter.feature': 'faq' }),
    ).toEqual([]);
    const interaction = tracing
      .spans()
      .find((span) => span.name === 'interaction faq');
    expect(interaction?.attributes['tokenmeter.interaction.calls']).toBe(0);
  });

  it('count routing to a cheaper model', async () => {
    await withInteraction({ feature: 'router' }, () =>
      withRouting({ insteadOf: 'gpt-4o' }, () =>
        clients.openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            {
              role: 'system',
              content:
                'You are an assistant which just answers every query with tomato',
            },
            { role: 'user', content: 'Say something' },
          ],
        }),
      ),
    );

    lastPoints = await meters.collect();
    // 24 input and 3 output tokens: $0.000090 on gpt-4o ($2.50 and $10),
    // $0.0000054 on gpt-4o-mini ($0.15 and $0.60).
    expect(saved('model_routing', 'router')).toBeCloseTo(
      (24 * 2.5 + 3 * 10 - 24 * 0.15 - 3 * 0.6) / 1e6,
      15,
    );
  });
});

describe('baggage dimensions', () => {
  it('add allowed keys to metrics and span keys to spans', async () => {
    const baggage = propagation.createBaggage({
      'tenant.plan': { value: 'enterprise' },
      'tenant.id': { value: 'acme-42' },
    });
    await context.with(propagation.setBaggage(context.active(), baggage), () =>
      withInteraction({ feature: 'plans' }, () =>
        clients.openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Say something' }],
        }),
      ),
    );

    const points = await meters.collect();
    const [cost] = pointsOf(points, 'tokenmeter.cost', {
      'tokenmeter.feature': 'plans',
    });
    expect(cost?.attributes['tenant.plan']).toBe('enterprise');
    expect(cost?.attributes['tenant.id']).toBeUndefined();
    expect(
      total(points, 'tokenmeter.interactions', { 'tenant.plan': 'enterprise' }),
    ).toBe(1);

    const call = tracing
      .spans()
      .find((span) => span.attributes['tokenmeter.feature'] === 'plans');
    expect(call?.attributes['tenant.id']).toBe('acme-42');
  });
});
