import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { budgetRegistry, configureBudgets } from '../../src/budget/registry.js';
import { TokenBudgetExceededError } from '../../src/budget/error.js';
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
  genAiSpans,
  instrumentBoth,
  type Clients,
} from '../support/sdk-clients.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

// claude-3-opus answers the recorded joke request with 17 input and 137
// output tokens: 17 x $15 + 137 x $75 per million = $0.010530.
const JOKE_COST = 0.01053;
const JOKE = {
  model: 'claude-3-opus-20240229',
  max_tokens: 1024,
  messages: [
    { role: 'user' as const, content: 'Tell me a joke about OpenTelemetry' },
  ],
};
// gpt-4o-mini with a system prompt: 24 input and 3 output tokens.
const TOMATO = {
  model: 'gpt-4o-mini',
  messages: [
    {
      role: 'system' as const,
      content:
        'You are an assistant which just answers every query with tomato',
    },
    { role: 'user' as const, content: 'Say something' },
  ],
};

let server: ReplayServer;
let tracing: TestTracing;
let meters: TestMetrics;
let clients: Clients;
let uninstrument: () => void;

beforeAll(async () => {
  server = new ReplayServer({
    recordings: [
      recording('anthropic--messages'),
      recording(
        'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
      ),
      recording('openai--responses-non-streaming'),
      recording('openai--contrib-embeddings-adds-genai-conventions'),
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

afterEach(() => {
  budgetRegistry().configure([]);
  tracing.reset();
  server.received.length = 0;
});

const WORDS_50K = 'lorem '.repeat(50_000);

describe('budgets with real SDKs', () => {
  it('block an oversized prompt before it is sent', async () => {
    configureBudgets([
      { feature: 'support-chat', mode: 'block', maxInputTokensPerCall: 8000 },
    ]);

    const attempt = withInteraction({ feature: 'support-chat' }, () =>
      clients.anthropic.messages.create({
        ...JOKE,
        messages: [{ role: 'user', content: `Summarize: ${WORDS_50K}` }],
      }),
    );

    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenBudgetExceededError);
    expect((error as TokenBudgetExceededError).limit).toBe(
      'max_input_tokens_per_call',
    );
    expect((error as TokenBudgetExceededError).message).toMatch(
      /^This request is too long for support-chat: about [\d,]+ tokens, over the limit of 8,000\.$/,
    );
    expect(server.received).toEqual([]);

    const [span] = tracing.spans().filter((s) => s.name.startsWith('chat'));
    expect(span?.attributes['error.type']).toBe('TokenBudgetExceededError');
    expect(span?.attributes['tokenmeter.budget.action']).toBe('block');
    expect(span?.events.map((event) => event.name)).toContain(
      'tokenmeter.budget.exceeded',
    );
  });

  it('block an OpenAI call the same way', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 100 },
    ]);

    const attempt = clients.openai.chat.completions.create({
      ...TOMATO,
      max_tokens: 500,
    });

    await expect(attempt).rejects.toBeInstanceOf(TokenBudgetExceededError);
    await expect(attempt.withResponse()).rejects.toBeInstanceOf(
      TokenBudgetExceededError,
    );
    expect(server.received).toEqual([]);
  });

  it('observe a call over budget and count it', async () => {
    configureBudgets([{ feature: 'jokes', maxOutputTokensPerCall: 100 }]);

    await withInteraction({ feature: 'jokes' }, () =>
      clients.anthropic.messages.create(JOKE),
    );

    expect(server.received).toHaveLength(1);
    const [call] = genAiSpans(tracing.spans());
    expect(call?.attributes['tokenmeter.budget.action']).toBe('observe');
    const [event] = call!.events;
    expect(event?.name).toBe('tokenmeter.budget.exceeded');
    expect(event?.attributes?.['tokenmeter.budget.limit']).toBe(
      'max_output_tokens_per_call',
    );
    expect(event?.attributes?.['tokenmeter.budget.requested']).toBe(1024);

    const points = await meters.collect();
    expect(
      total(points, 'tokenmeter.budget.exceeded', {
        'tokenmeter.feature': 'jokes',
        'tokenmeter.budget.mode': 'observe',
      }),
    ).toBe(1);
  });

  it('clamp the output limit on a copy of the request', async () => {
    configureBudgets([
      { feature: 'jokes', mode: 'clamp', maxOutputTokensPerCall: 256 },
    ]);
    const params = { ...JOKE };

    await withInteraction({ feature: 'jokes' }, () =>
      clients.anthropic.messages.create(params),
    );

    expect(params.max_tokens).toBe(1024);
    expect(
      (server.received[0]?.body as { max_tokens: number }).max_tokens,
    ).toBe(256);
    const [call] = genAiSpans(tracing.spans());
    expect(call?.attributes['tokenmeter.budget.action']).toBe('clamp');
    expect(call?.attributes['tokenmeter.budget.max_output_tokens']).toBe(256);
  });

  it('clamp an OpenAI request that sets no limit', async () => {
    configureBudgets([
      { feature: '*', mode: 'clamp', maxOutputTokensPerCall: 64 },
    ]);

    await clients.openai.chat.completions.create(TOMATO);

    const body = server.received[0]?.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(64);
    expect(body.max_tokens).toBeUndefined();
  });

  it('clamp max_output_tokens of a Responses request', async () => {
    configureBudgets([
      { feature: '*', mode: 'clamp', maxOutputTokensPerCall: 64 },
    ]);
    const params = {
      model: 'gpt-4o-mini',
      input: 'Tell me a joke about OpenTelemetry',
      max_output_tokens: 500,
    };

    await clients.openai.responses.create(params);

    const body = server.received[0]?.body as Record<string, unknown>;
    expect(body.max_output_tokens).toBe(64);
    expect(params.max_output_tokens).toBe(500);
  });

  it('leave embeddings alone under an output limit', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 10 },
    ]);

    await clients.openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['One fish', 'two fish', 'red fish', 'blue fish'],
      encoding_format: 'float',
    });

    expect(server.received).toHaveLength(1);
    const [call] = genAiSpans(tracing.spans());
    expect(call?.attributes['tokenmeter.budget.action']).toBeUndefined();
  });

  it('stop a runaway loop once the interaction spent its budget', async () => {
    // Each joke costs $0.010530, so the budget of $0.02 allows two.
    configureBudgets([
      { feature: 'agent', mode: 'block', maxCostPerInteraction: 0.02 },
    ]);

    const outcome = await withInteraction({ feature: 'agent' }, async () => {
      let calls = 0;
      try {
        for (;;) {
          await clients.anthropic.messages.create(JOKE);
          calls += 1;
        }
      } catch (error) {
        return { calls, error };
      }
    });

    expect(outcome.calls).toBe(2);
    expect(outcome.error).toBeInstanceOf(TokenBudgetExceededError);
    expect((outcome.error as TokenBudgetExceededError).requested).toBeCloseTo(
      2 * JOKE_COST,
      12,
    );
    expect(server.received).toHaveLength(2);
  });

  it('stop a loop past its call limit', async () => {
    configureBudgets([
      { feature: 'agent', mode: 'block', maxCallsPerInteraction: 3 },
    ]);

    const calls = await withInteraction({ feature: 'agent' }, async () => {
      let made = 0;
      while (made < 10) {
        try {
          await clients.openai.chat.completions.create(TOMATO);
        } catch {
          break;
        }
        made += 1;
      }
      return made;
    });

    expect(calls).toBe(3);
  });

  it('leave features without a rule alone', async () => {
    configureBudgets([
      { feature: 'other', mode: 'block', maxCallsPerInteraction: 1 },
    ]);

    await withInteraction({ feature: 'puns' }, async () => {
      await clients.anthropic.messages.create(JOKE);
      await clients.anthropic.messages.create(JOKE);
    });

    expect(server.received).toHaveLength(2);
    const points = await meters.collect();
    expect(
      pointsOf(points, 'tokenmeter.budget.exceeded', {
        'tokenmeter.feature': 'puns',
      }),
    ).toEqual([]);
  });
});
