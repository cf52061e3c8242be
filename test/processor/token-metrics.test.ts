import { SpanKind, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';

import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { CostSpanProcessorOptions } from '../../src/processor/options.js';
import {
  pointsOf,
  setupMetrics,
  total,
  type TestMetrics,
} from '../support/metrics.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

let tracing: TestTracing | undefined;
let meters: TestMetrics | undefined;

function setup(options: CostSpanProcessorOptions = {}): void {
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider, ...options }),
  ]);
}

function cachedCall(): void {
  trace
    .getTracer('test')
    .startSpan('chat gpt-4o', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 2006,
        'gen_ai.usage.cache_read.input_tokens': 1920,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.reasoning.output_tokens': 100,
      },
    })
    .end();
}

afterEach(async () => {
  delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
  await tracing?.shutdown();
  await meters?.shutdown();
});

describe('GenAI token metrics', () => {
  it('records gen_ai.client.token.usage by default', async () => {
    setup();
    cachedCall();

    const points = await meters!.collect();
    expect(pointsOf(points, 'gen_ai.client.token.usage')).toHaveLength(2);
    expect(
      pointsOf(points, 'gen_ai.client.inference.usage.input_tokens'),
    ).toEqual([]);
  });

  it('records the newer set when opted in', async () => {
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN =
      'http, gen_ai_latest_experimental';
    setup();
    cachedCall();

    const points = await meters!.collect();
    const unknown = { 'gen_ai.token.modality': 'unknown' };
    expect(
      total(points, 'gen_ai.client.inference.usage.input_tokens', unknown),
    ).toBe(2006);
    expect(
      total(points, 'gen_ai.client.inference.usage.output_tokens', unknown),
    ).toBe(300);
    expect(
      total(
        points,
        'gen_ai.client.inference.usage.cache_read.input_tokens',
        unknown,
      ),
    ).toBe(1920);
    expect(
      total(
        points,
        'gen_ai.client.inference.usage.reasoning.output_tokens',
        unknown,
      ),
    ).toBe(100);
    expect(
      pointsOf(
        points,
        'gen_ai.client.inference.usage.cache_write.input_tokens',
      ),
    ).toEqual([]);
    expect(pointsOf(points, 'gen_ai.client.token.usage')).toEqual([]);
  });

  it('records per-call histograms without modality', async () => {
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'gen_ai_latest_experimental';
    setup();
    cachedCall();

    const points = await meters!.collect();
    const [input] = pointsOf(
      points,
      'gen_ai.client.inference.operation.input_tokens',
    );
    expect(input?.sum).toBe(2006);
    expect(input?.unit).toBe('{token}');
    expect(input?.attributes['gen_ai.token.modality']).toBeUndefined();
    expect(input?.attributes['gen_ai.provider.name']).toBe('openai');
    expect(input?.boundaries?.[0]).toBe(1);
    const [output] = pointsOf(
      points,
      'gen_ai.client.inference.operation.output_tokens',
    );
    expect(output?.sum).toBe(300);
  });

  it('records no token metrics when turned off', async () => {
    setup({ recordTokenUsage: false });
    cachedCall();

    const points = await meters!.collect();
    expect(points.filter((point) => point.name.startsWith('gen_ai.'))).toEqual(
      [],
    );
    expect(pointsOf(points, 'tokenmeter.cost').length).toBeGreaterThan(0);
  });
});
