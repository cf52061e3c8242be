import {
  context,
  diag,
  propagation,
  SpanKind,
  trace,
  type Attributes,
  type DiagLogger,
} from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { withInteraction } from '../../src/interaction/with-interaction.js';
import { resetWarnings } from '../../src/internal/diag.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { CostSpanProcessorOptions } from '../../src/processor/options.js';
import {
  pointsOf,
  setupMetrics,
  total,
  type TestMetrics,
} from '../support/metrics.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

const GPT_4O_CALL: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-11-20',
  'gen_ai.usage.input_tokens': 2006,
  'gen_ai.usage.cache_read.input_tokens': 1920,
  'gen_ai.usage.output_tokens': 300,
};
// 86 x $2.50 + 1,920 x $1.25 + 300 x $10 per million tokens.
const GPT_4O_COST = 0.005615;

const CLAUDE_CALL: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': 'claude-3-7-sonnet-20250219',
  'gen_ai.usage.input_tokens': 12307,
  'gen_ai.usage.cache_creation.input_tokens': 12304,
  'gen_ai.usage.output_tokens': 550,
};
// 3 x $3 + 12,304 x $3.75 + 550 x $15 per million tokens.
const CLAUDE_COST = 0.054399;

let tracing: TestTracing;
let meters: TestMetrics;
let processor: CostSpanProcessor;

function setup(options: CostSpanProcessorOptions = {}): void {
  meters = setupMetrics();
  processor = new CostSpanProcessor({
    meterProvider: meters.meterProvider,
    ...options,
  });
  tracing = setupTracing([processor]);
}

function callSpan(attributes: Attributes, name = 'chat'): void {
  trace
    .getTracer('test')
    .startSpan(name, { kind: SpanKind.CLIENT, attributes })
    .end();
}

function spanNamed(name: string) {
  const span = tracing.spans().find((candidate) => candidate.name === name);
  if (!span) {
    throw new Error(`No span named ${name}`);
  }
  return span;
}

beforeEach(() => resetWarnings());

afterEach(async () => {
  await tracing.shutdown();
  await meters.shutdown();
  diag.disable();
});

describe('CostSpanProcessor', () => {
  describe('.onEnding', () => {
    beforeEach(() => setup());

    it('writes the cost of a dated snapshot onto the span', () => {
      callSpan(GPT_4O_CALL);
      const attributes = spanNamed('chat').attributes;

      expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        GPT_4O_COST,
        12,
      );
      expect(attributes['gen_ai.usage.cost.currency']).toBe('USD');
      expect(attributes['gen_ai.usage.cost.source']).toBe('local');
      expect(attributes['tokenmeter.price.model']).toBe('gpt-4o');
      expect(attributes['tokenmeter.price.provider']).toBe('openai');
      expect(attributes['tokenmeter.price.source']).toMatch(/^genai-prices@\d/);
    });

    it('writes the cost by token type', () => {
      callSpan(GPT_4O_CALL);
      const attributes = spanNamed('chat').attributes;

      expect(attributes['tokenmeter.cost.input']).toBeCloseTo(
        (86 * 2.5) / 1e6,
        15,
      );
      expect(attributes['tokenmeter.cost.cache_read']).toBeCloseTo(
        (1920 * 1.25) / 1e6,
        15,
      );
      expect(attributes['tokenmeter.cost.output']).toBeCloseTo(
        (300 * 10) / 1e6,
        15,
      );
      expect(attributes['tokenmeter.cost.cache_write']).toBeUndefined();
    });

    it('prices Anthropic cache writes', () => {
      callSpan(CLAUDE_CALL);

      expect(
        spanNamed('chat').attributes['gen_ai.usage.cost.amount'],
      ).toBeCloseTo(CLAUDE_COST, 12);
    });

    it('reads the deprecated gen_ai.system and cache_write names', () => {
      callSpan({
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': 'claude-3-7-sonnet-20250219',
        'gen_ai.usage.input_tokens': 12307,
        'gen_ai.usage.cache_write.input_tokens': 12304,
        'gen_ai.usage.output_tokens': 550,
      });

      expect(
        spanNamed('chat').attributes['gen_ai.usage.cost.amount'],
      ).toBeCloseTo(CLAUDE_COST, 12);
    });

    it('adds cache tokens that the input count leaves out', () => {
      // Anthropic's own counting: input 3 excludes the 12,304 cache writes.
      callSpan({ ...CLAUDE_CALL, 'gen_ai.usage.input_tokens': 3 });

      expect(
        spanNamed('chat').attributes['gen_ai.usage.cost.amount'],
      ).toBeCloseTo(CLAUDE_COST, 12);
    });

    it('leaves spans without GenAI usage alone', () => {
      callSpan({ 'http.request.method': 'GET' }, 'GET');

      const attributes = spanNamed('GET').attributes;
      expect(Object.keys(attributes)).toEqual(['http.request.method']);
    });

    it('marks an unknown model as unpriced, never as zero', () => {
      const warn = vi.fn();
      diag.setLogger(
        { ...silentLogger(), warn },
        { suppressOverrideMessage: true },
      );
      callSpan({ ...GPT_4O_CALL, 'gen_ai.response.model': 'gpt-imaginary-9' });
      callSpan({ ...GPT_4O_CALL, 'gen_ai.response.model': 'gpt-imaginary-9' });

      const attributes = tracing.spans()[0]!.attributes;
      expect(attributes['tokenmeter.unpriced']).toBe(true);
      expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.join(' ')).toContain('gpt-imaginary-9');
    });

    it('skips usage that is negative, NaN or a string', () => {
      const bad: Attributes[] = [
        { ...GPT_4O_CALL, 'gen_ai.usage.input_tokens': -5 },
        { ...GPT_4O_CALL, 'gen_ai.usage.output_tokens': Number.NaN },
        {
          ...GPT_4O_CALL,
          'gen_ai.usage.input_tokens': '2006',
        },
        { ...GPT_4O_CALL, 'gen_ai.usage.cache_read.input_tokens': Infinity },
      ];

      expect(() =>
        bad.forEach((attributes) => callSpan(attributes)),
      ).not.toThrow();

      for (const span of tracing.spans()) {
        expect(span.attributes['tokenmeter.skipped']).toBe('invalid_usage');
        expect(span.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
      }
    });
  });

  describe('.onEnd', () => {
    beforeEach(() => setup());

    it('records the cost by token type and feature', async () => {
      await withInteraction({ feature: 'support-chat' }, async () => {
        callSpan(GPT_4O_CALL);
      });

      const points = await meters.collect();
      const feature = { 'tokenmeter.feature': 'support-chat' };
      expect(total(points, 'tokenmeter.cost', feature)).toBeCloseTo(
        GPT_4O_COST,
        12,
      );
      expect(
        total(points, 'tokenmeter.cost', {
          ...feature,
          'tokenmeter.token.type': 'cache_read',
        }),
      ).toBeCloseTo((1920 * 1.25) / 1e6, 15);

      const [point] = pointsOf(points, 'tokenmeter.cost', feature);
      expect(point?.unit).toBe('USD');
      expect(point?.attributes['gen_ai.provider.name']).toBe('openai');
      expect(point?.attributes['gen_ai.request.model']).toBe('gpt-4o');
      expect(point?.attributes['gen_ai.operation.name']).toBe('chat');
    });

    it('records gen_ai.client.token.usage with the conventions buckets', async () => {
      callSpan(GPT_4O_CALL);

      const points = await meters.collect();
      const [input] = pointsOf(points, 'gen_ai.client.token.usage', {
        'gen_ai.token.type': 'input',
      });
      const [output] = pointsOf(points, 'gen_ai.client.token.usage', {
        'gen_ai.token.type': 'output',
      });
      expect(input?.sum).toBe(2006);
      expect(output?.sum).toBe(300);
      expect(input?.unit).toBe('{token}');
      expect(input?.boundaries).toEqual([
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
        16777216, 67108864,
      ]);
    });

    it('counts unpriced calls by model', async () => {
      callSpan({ ...GPT_4O_CALL, 'gen_ai.response.model': 'gpt-imaginary-9' });

      const points = await meters.collect();
      expect(
        total(points, 'tokenmeter.unpriced', {
          'gen_ai.response.model': 'gpt-imaginary-9',
        }),
      ).toBe(1);
      expect(pointsOf(points, 'tokenmeter.cost')).toEqual([]);
    });

    it('counts skipped spans', async () => {
      callSpan({ ...GPT_4O_CALL, 'gen_ai.usage.input_tokens': -1 });

      const points = await meters.collect();
      expect(
        total(points, 'tokenmeter.skipped', {
          'tokenmeter.reason': 'invalid_usage',
        }),
      ).toBe(1);
    });

    it('caps the number of distinct features', async () => {
      await tracing.shutdown();
      await meters.shutdown();
      setup({ maxFeatures: 2 });

      for (const feature of ['a', 'b', 'c', 'd']) {
        await withInteraction({ feature }, async () => callSpan(GPT_4O_CALL));
      }

      const points = await meters.collect();
      const features = new Set(
        pointsOf(points, 'tokenmeter.interactions').map(
          (point) => point.attributes['tokenmeter.feature'],
        ),
      );
      expect(features).toEqual(new Set(['a', 'b', '_other']));
    });
  });

  describe('interactions', () => {
    beforeEach(() => setup());

    it('totals the calls of withInteraction onto its span', async () => {
      await withInteraction({ feature: 'agent' }, async () => {
        callSpan(GPT_4O_CALL);
        callSpan(CLAUDE_CALL);
      });

      const attributes = spanNamed('interaction agent').attributes;
      expect(attributes['tokenmeter.interaction.cost']).toBeCloseTo(
        GPT_4O_COST + CLAUDE_COST,
        12,
      );
      expect(attributes['tokenmeter.interaction.calls']).toBe(2);
      expect(attributes['tokenmeter.interaction.input_tokens']).toBe(
        2006 + 12307,
      );
      expect(attributes['tokenmeter.interaction.output_tokens']).toBe(850);
    });

    it('records the interaction metrics', async () => {
      await withInteraction({ feature: 'agent' }, async () => {
        callSpan(GPT_4O_CALL);
        callSpan(CLAUDE_CALL);
      });
      await withInteraction({ feature: 'agent' }, async () => {
        callSpan(GPT_4O_CALL);
      });

      const points = await meters.collect();
      const feature = { 'tokenmeter.feature': 'agent' };
      expect(total(points, 'tokenmeter.interactions', feature)).toBe(2);

      const [cost] = pointsOf(points, 'tokenmeter.interaction.cost', feature);
      expect(cost?.count).toBe(2);
      expect(cost?.sum).toBeCloseTo(2 * GPT_4O_COST + CLAUDE_COST, 12);
      expect(cost?.boundaries).toEqual([
        0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.3, 0.5, 1, 5,
      ]);
      // $0.005615 falls in (0.005, 0.01]; $0.060014 in (0.05, 0.1].
      expect(cost?.bucketCounts).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

      const [calls] = pointsOf(points, 'tokenmeter.interaction.calls', feature);
      expect(calls?.sum).toBe(3);
      const [input] = pointsOf(points, 'tokenmeter.interaction.tokens', {
        ...feature,
        'tokenmeter.token.type': 'input',
      });
      expect(input?.sum).toBe(2006 * 2 + 12307);
    });

    it('counts an interaction without model calls', async () => {
      await withInteraction(
        { feature: 'cached-answer' },
        async () => undefined,
      );

      const points = await meters.collect();
      const feature = { 'tokenmeter.feature': 'cached-answer' };
      expect(total(points, 'tokenmeter.interactions', feature)).toBe(1);
      expect(
        pointsOf(points, 'tokenmeter.interaction.cost', feature)[0]?.sum,
      ).toBe(0);
    });

    it('uses the local root span where the app marks none', async () => {
      const tracer = trace.getTracer('test');
      tracer.startActiveSpan(
        'POST /chat',
        { kind: SpanKind.SERVER },
        (root) => {
          callSpan(GPT_4O_CALL);
          callSpan(GPT_4O_CALL);
          root.end();
        },
      );

      const attributes = spanNamed('POST /chat').attributes;
      expect(attributes['tokenmeter.interaction.calls']).toBe(2);
      expect(attributes['tokenmeter.interaction.cost']).toBeCloseTo(
        2 * GPT_4O_COST,
        12,
      );
      expect(attributes['tokenmeter.feature']).toBe('default');

      const points = await meters.collect();
      expect(
        total(points, 'tokenmeter.interactions', {
          'tokenmeter.feature': 'default',
        }),
      ).toBe(1);
    });

    it('does not count a root span without model calls', async () => {
      trace.getTracer('test').startSpan('GET /health').end();

      const points = await meters.collect();
      expect(pointsOf(points, 'tokenmeter.interactions')).toEqual([]);
      expect(
        spanNamed('GET /health').attributes['tokenmeter.interaction.calls'],
      ).toBeUndefined();
    });

    it('counts a lone GenAI root span as its own interaction', async () => {
      callSpan(GPT_4O_CALL);

      const points = await meters.collect();
      expect(total(points, 'tokenmeter.interactions')).toBe(1);
      expect(spanNamed('chat').attributes['tokenmeter.interaction.calls']).toBe(
        1,
      );
    });

    it('attributes calls of a downstream service through baggage', async () => {
      const baggage = propagation.createBaggage({
        'tokenmeter.feature': { value: 'search' },
        'tokenmeter.interaction.id': { value: 'interaction-42' },
      });
      const remoteParent = trace.setSpanContext(
        propagation.setBaggage(context.active(), baggage),
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceFlags: 1,
          isRemote: true,
        },
      );

      context.with(remoteParent, () => {
        trace.getTracer('test').startActiveSpan('POST /rank', (server) => {
          callSpan(GPT_4O_CALL);
          server.end();
        });
      });

      const call = spanNamed('chat').attributes;
      expect(call['tokenmeter.feature']).toBe('search');
      expect(call['tokenmeter.interaction.id']).toBe('interaction-42');

      const points = await meters.collect();
      expect(
        total(points, 'tokenmeter.cost', { 'tokenmeter.feature': 'search' }),
      ).toBeCloseTo(GPT_4O_COST, 12);
      // Only the service that opened the interaction counts it.
      expect(pointsOf(points, 'tokenmeter.interactions')).toEqual([]);
    });

    it('keeps nested interactions apart', async () => {
      await withInteraction({ feature: 'outer' }, async () => {
        callSpan(GPT_4O_CALL);
        await withInteraction({ feature: 'inner' }, async () => {
          callSpan(CLAUDE_CALL);
        });
      });

      expect(
        spanNamed('interaction outer').attributes[
          'tokenmeter.interaction.calls'
        ],
      ).toBe(1);
      expect(
        spanNamed('interaction inner').attributes[
          'tokenmeter.interaction.calls'
        ],
      ).toBe(1);
    });
  });

  describe('ledger bounds', () => {
    it('evicts an interaction whose span never ends', async () => {
      setup({ interactionTimeoutMs: 20 });
      const tracer = trace.getTracer('test');
      const root = tracer.startSpan('never ends');
      context.with(trace.setSpan(context.active(), root), () =>
        callSpan(GPT_4O_CALL),
      );

      await new Promise((resolve) => setTimeout(resolve, 100));

      const points = await meters.collect();
      expect(total(points, 'tokenmeter.interactions.evicted')).toBe(1);
      // Its cost still counts.
      expect(total(points, 'tokenmeter.cost')).toBeCloseTo(GPT_4O_COST, 12);

      root.end();
      const after = await meters.collect();
      expect(pointsOf(after, 'tokenmeter.interactions')).toEqual([]);
    });

    it('evicts the oldest interaction when the ledger is full', async () => {
      setup({ maxOpenInteractions: 2 });
      const tracer = trace.getTracer('test');
      const roots = ['one', 'two', 'three'].map((name) =>
        tracer.startSpan(name),
      );
      for (const root of roots) {
        context.with(trace.setSpan(context.active(), root), () =>
          callSpan(GPT_4O_CALL),
        );
      }
      roots.forEach((root) => root.end());

      const points = await meters.collect();
      expect(total(points, 'tokenmeter.interactions.evicted')).toBe(1);
      expect(total(points, 'tokenmeter.interactions')).toBe(2);
      expect(
        spanNamed('one').attributes['tokenmeter.interaction.calls'],
      ).toBeUndefined();
    });
  });

  describe('construction', () => {
    it('rejects an invalid option with its name', () => {
      expect(() => new CostSpanProcessor({ interactionTimeoutMs: -1 })).toThrow(
        /interactionTimeoutMs must be a positive number/,
      );
    });

    it('prices with overrides before the catalog', () => {
      setup({
        prices: [
          {
            provider: 'openai',
            model: 'gpt-4o*',
            prices: { input_mtok: 1, output_mtok: 1 },
          },
        ],
      });
      callSpan(GPT_4O_CALL);

      const attributes = spanNamed('chat').attributes;
      expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        2306 / 1e6,
        15,
      );
      expect(attributes['tokenmeter.price.source']).toBe('override');
    });

    it('shuts down more than once', async () => {
      const standalone = new CostSpanProcessor();
      await standalone.shutdown();
      await expect(standalone.shutdown()).resolves.toBeUndefined();
    });
  });
});

function silentLogger(): DiagLogger {
  return {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}
