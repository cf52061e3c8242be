import { SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { withInteraction } from '../../src/interaction/with-interaction.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import { CountedDescendants } from '../../src/processor/counted-descendants.js';
import { ReplayServer } from '../../src/replay/server.js';
import { clientsFor, instrumentBoth } from '../support/sdk-clients.js';
import { setupMetrics, total, type TestMetrics } from '../support/metrics.js';
import { recording } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

const CALL: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 100,
};
// 1,000 x $2.50 + 100 x $10 per million tokens.
const CALL_COST = 0.0035;

const AGENT: Attributes = {
  'gen_ai.operation.name': 'invoke_agent',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 2000,
  'gen_ai.usage.output_tokens': 200,
};

let tracing: TestTracing;
let meters: TestMetrics;

beforeEach(() => {
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider }),
  ]);
});

afterEach(async () => {
  await tracing.shutdown();
  await meters.shutdown();
});

const tracer = () => trace.getTracer('test');

/** Ends a span with the given attributes inside the active span. */
function endedSpan(name: string, attributes: Attributes): void {
  tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }).end();
}

/** Runs `fn` in an active span that gets `attributes` just before it ends. */
async function inSpan(
  name: string,
  attributes: Attributes,
  fn: () => Promise<void> | void,
): Promise<void> {
  await tracer().startActiveSpan(name, async (span) => {
    await fn();
    span.setAttributes(attributes);
    span.end();
  });
}

function attributesOf(name: string): Attributes {
  const span = tracing.spans().find((candidate) => candidate.name === name);
  if (!span) {
    throw new Error(`No span named ${name}`);
  }
  return span.attributes;
}

describe('CostSpanProcessor de-duplication', () => {
  it('counts an agent span around two calls once per call', async () => {
    await withInteraction({ feature: 'agent' }, () =>
      inSpan('invoke_agent', AGENT, () => {
        endedSpan('chat 1', CALL);
        endedSpan('chat 2', CALL);
      }),
    );

    const agent = attributesOf('invoke_agent');
    expect(agent['tokenmeter.skipped']).toBe('counted_in_descendant');
    expect(agent['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(agent['tokenmeter.unpriced']).toBeUndefined();
    expect(attributesOf('chat 1')['gen_ai.usage.cost.amount']).toBeCloseTo(
      CALL_COST,
      12,
    );

    const interaction = attributesOf('interaction agent');
    expect(interaction['tokenmeter.interaction.calls']).toBe(2);
    expect(interaction['tokenmeter.interaction.input_tokens']).toBe(2000);

    const points = await meters.collect();
    expect(total(points, 'tokenmeter.cost')).toBeCloseTo(2 * CALL_COST, 12);
    expect(total(points, 'tokenmeter.skipped')).toBe(0);
  });

  it('marks ancestors through spans without usage', async () => {
    await inSpan('workflow', AGENT, () =>
      inSpan('step', {}, () => endedSpan('chat', CALL)),
    );

    expect(attributesOf('workflow')['tokenmeter.skipped']).toBe(
      'counted_in_descendant',
    );
    expect(attributesOf('step')['tokenmeter.skipped']).toBeUndefined();
    expect(attributesOf('chat')['gen_ai.usage.cost.amount']).toBeCloseTo(
      CALL_COST,
      12,
    );
  });

  it('prices an agent span without counted descendants', async () => {
    await inSpan('invoke_agent', AGENT, () => undefined);

    expect(
      attributesOf('invoke_agent')['gen_ai.usage.cost.amount'],
    ).toBeCloseTo(0.007, 12);
  });

  it('counts sibling calls separately', async () => {
    await inSpan('request', {}, () => {
      endedSpan('chat 1', CALL);
      endedSpan('chat 2', CALL);
    });

    const points = await meters.collect();
    expect(total(points, 'tokenmeter.cost')).toBeCloseTo(2 * CALL_COST, 12);
  });

  it('counts an aggregate whose descendant had invalid usage', async () => {
    await inSpan('invoke_agent', AGENT, () =>
      endedSpan('chat', { ...CALL, 'gen_ai.usage.input_tokens': -1 }),
    );

    expect(attributesOf('chat')['tokenmeter.skipped']).toBe('invalid_usage');
    expect(attributesOf('invoke_agent')['tokenmeter.skipped']).toBeUndefined();
    expect(
      attributesOf('invoke_agent')['gen_ai.usage.cost.amount'],
    ).toBeCloseTo(0.007, 12);
  });

  it('leaves spans without GenAI usage alone', async () => {
    await inSpan('GET /health', { 'http.route': '/health' }, () =>
      inSpan('SELECT', {}, () => undefined),
    );

    expect(Object.keys(attributesOf('GET /health'))).toEqual(['http.route']);
    expect(Object.keys(attributesOf('SELECT'))).toEqual([]);
  });

  it('prices our OpenAI span, not the framework span around it', async () => {
    const uninstrument = instrumentBoth();
    const recorded = recording('openai--chat');
    const server = new ReplayServer({
      recordings: [recorded],
      match: 'strict',
    });
    await server.start();
    try {
      await withInteraction({ feature: 'framework' }, () =>
        inSpan(
          'framework.llm',
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-3.5-turbo',
            'gen_ai.usage.input_tokens': 15,
            'gen_ai.usage.output_tokens': 20,
          },
          async () => {
            await clientsFor(server).openai.chat.completions.create(
              recorded.exchanges[0]!.request.body as never,
            );
          },
        ),
      );
    } finally {
      await server.close();
      uninstrument();
    }

    const ours = tracing
      .spans()
      .find((span) => span.name === 'chat gpt-3.5-turbo')!.attributes;
    const framework = attributesOf('framework.llm');
    expect(ours['tokenmeter.skipped']).toBeUndefined();
    expect(ours['tokenmeter.feature']).toBe('framework');
    expect(framework['tokenmeter.skipped']).toBe('counted_in_descendant');
    expect(framework['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(
      attributesOf('interaction framework')['tokenmeter.interaction.calls'],
    ).toBe(1);
  });
});

describe('CountedDescendants', () => {
  const child = (parentSpanId: string, isRemote = false) => ({
    parentSpanContext: {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: parentSpanId,
      traceFlags: 1,
      isRemote,
    },
  });

  it('marks a parent until it ends', () => {
    const marks = new CountedDescendants(10);
    marks.markParentOf(child('b7ad6b7169203331'));

    expect(marks.take('b7ad6b7169203331')).toBe(true);
    expect(marks.take('b7ad6b7169203331')).toBe(false);
    expect(marks.size).toBe(0);
  });

  it('never marks a remote parent or a root', () => {
    const marks = new CountedDescendants(10);
    marks.markParentOf(child('b7ad6b7169203331', true));
    marks.markParentOf({});

    expect(marks.size).toBe(0);
  });

  it('drops the oldest mark when full', () => {
    const marks = new CountedDescendants(2);
    for (const id of [
      '0000000000000001',
      '0000000000000002',
      '0000000000000003',
    ]) {
      marks.markParentOf(child(id));
    }

    expect(marks.size).toBe(2);
    expect(marks.take('0000000000000001')).toBe(false);
    expect(marks.take('0000000000000003')).toBe(true);
  });
});
