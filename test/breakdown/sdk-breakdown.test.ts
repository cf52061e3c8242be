import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { markContext } from '../../src/breakdown/context.js';
import { withInteraction } from '../../src/interaction/with-interaction.js';
import { forgetEnvironment } from '../../src/internal/environment.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  pointsOf,
  setupMetrics,
  type TestMetrics,
} from '../support/metrics.js';
import { recording } from '../support/recordings.js';
import {
  clientsFor,
  genAiSpans,
  instrumentBoth,
  type Clients,
} from '../support/sdk-clients.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

// The recorded gpt-4o-mini answer reports 24 input and 3 output tokens, at
// $0.15 and $0.60 per million.
const SYSTEM =
  'You are an assistant which just answers every query with tomato';
const USER = 'Say something';

let server: ReplayServer;
let tracing: TestTracing;
let meters: TestMetrics;
let clients: Clients;
let uninstrument: () => void;

beforeAll(async () => {
  server = new ReplayServer({
    recordings: [
      recording(
        'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
      ),
      recording('anthropic--messages'),
    ],
  });
  await server.start();
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider }),
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

afterEach(() => tracing.reset());

function onlyCall() {
  const calls = genAiSpans(tracing.spans());
  expect(calls).toHaveLength(1);
  return calls[0]!.attributes;
}

describe('prompt breakdown with real SDKs', () => {
  it('shares the input tokens out by component size', async () => {
    await clients.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: USER },
      ],
    });

    const attributes = onlyCall();
    expect(attributes['tokenmeter.prompt.components']).toEqual([
      'system',
      'user_input',
    ]);
    expect(attributes['tokenmeter.prompt.sizes']).toEqual([
      SYSTEM.length,
      USER.length,
    ]);
    expect(attributes['tokenmeter.prompt.size_unit']).toBe('chars');
    // 24 tokens x 64/77 = 19.95 and x 13/77 = 4.05: 20 and 4 whole tokens.
    expect(attributes['tokenmeter.component.system.tokens']).toBe(20);
    expect(attributes['tokenmeter.component.user_input.tokens']).toBe(4);
    expect(attributes['tokenmeter.component.system.cost']).toBeCloseTo(
      (20 * 0.15) / 1e6,
      15,
    );
    expect(attributes['tokenmeter.component.user_input.cost']).toBeCloseTo(
      (4 * 0.15) / 1e6,
      15,
    );
  });

  it('sizes nothing with TOKENMETER_BREAKDOWN=off, and still prices', async () => {
    process.env.TOKENMETER_BREAKDOWN = 'off';
    forgetEnvironment();
    try {
      await clients.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: USER },
        ],
      });
      await clients.anthropic.messages.create({
        model: 'claude-3-5-sonnet-20241022',
        max_tokens: 64,
        messages: [{ role: 'user', content: USER }],
      });
    } finally {
      delete process.env.TOKENMETER_BREAKDOWN;
      forgetEnvironment();
    }

    const calls = genAiSpans(tracing.spans());
    expect(calls).toHaveLength(2);
    for (const { attributes } of calls) {
      const names = Object.keys(attributes);
      expect(
        names.filter((name) =>
          /^tokenmeter\.(prompt|completion|component)\./.test(name),
        ),
      ).toEqual([]);
      expect(attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
    }
  });

  it('keeps no prompt text on the span', async () => {
    await clients.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: USER },
      ],
    });

    const values = JSON.stringify(Object.values(onlyCall()));
    expect(values).not.toContain('tomato');
    expect(values).not.toContain(USER);
  });

  it('attributes registered context inside a template', async () => {
    const documents = 'Tomatoes are the answer to most questions.';
    await withInteraction({ feature: 'rag', context: [documents] }, () =>
      clients.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: `Answer from this context: ${documents}` },
          { role: 'user', content: USER },
        ],
      }),
    );

    const attributes = onlyCall();
    expect(attributes['tokenmeter.prompt.components']).toEqual([
      'context',
      'system',
      'user_input',
    ]);
    expect(attributes['tokenmeter.component.context.tokens']).toBeGreaterThan(
      0,
    );
  });

  it('attributes marked messages to context', async () => {
    await withInteraction({ feature: 'rag' }, () =>
      clients.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: SYSTEM },
          markContext({
            role: 'user' as const,
            content: 'Document: tomatoes grow in summer.',
          }),
          { role: 'user', content: USER },
        ],
      }),
    );

    expect(onlyCall()['tokenmeter.prompt.components']).toEqual([
      'system',
      'context',
      'user_input',
    ]);
    expect(JSON.stringify(server.received.at(-1)?.body)).not.toContain(
      'tokenmeter',
    );
  });

  it('records the cost metric by component', async () => {
    await withInteraction({ feature: 'components' }, () =>
      clients.openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: USER },
        ],
      }),
    );

    const points = pointsOf(await meters.collect(), 'tokenmeter.cost', {
      'tokenmeter.feature': 'components',
    });
    const byComponent = Object.fromEntries(
      points.map((point) => [
        `${String(point.attributes['tokenmeter.component'])}/${String(point.attributes['tokenmeter.token.type'])}`,
        point.value,
      ]),
    );
    expect(byComponent['system/input']).toBeCloseTo((20 * 0.15) / 1e6, 15);
    expect(byComponent['user_input/input']).toBeCloseTo((4 * 0.15) / 1e6, 15);
    const sum = points.reduce((acc, point) => acc + (point.value ?? 0), 0);
    expect(sum).toBeCloseTo((24 * 0.15 + 3 * 0.6) / 1e6, 15);
  });

  it('breaks down a span the Anthropic SDK starts itself', async () => {
    await clients.anthropic.messages.create({
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      system: 'Be funny.',
      messages: [
        { role: 'user', content: 'Tell me a joke about OpenTelemetry' },
      ],
    });

    const attributes = onlyCall();
    expect(attributes['tokenmeter.prompt.components']).toEqual([
      'system',
      'user_input',
    ]);
    // 17 input tokens x 9/43 = 3.56 and x 34/43 = 13.44: 4 and 13.
    expect(attributes['tokenmeter.component.system.tokens']).toBe(4);
    expect(attributes['tokenmeter.component.user_input.tokens']).toBe(13);
  });
});
