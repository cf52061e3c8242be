import { trace, SpanKind } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { withInteraction } from '../../src/interaction/with-interaction.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import { OtlpReceiver, type ReceivedMetric } from '../support/otlp/receiver.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

// gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million.
// 1,000 input of which 200 cached, and 100 output tokens:
// 800 x 0.15 + 200 x 0.075 + 100 x 0.60 = 195 millionths of a dollar.
const CALL_COST = 0.000195;

let receiver: OtlpReceiver;
let meterProvider: MeterProvider;
let reader: PeriodicExportingMetricReader;
let tracing: TestTracing;

beforeAll(async () => {
  receiver = new OtlpReceiver();
  const origin = await receiver.start();
  reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${origin}/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  meterProvider = new MeterProvider({ readers: [reader] });
  tracing = setupTracing([new CostSpanProcessor({ meterProvider })]);

  for (let index = 0; index < 3; index++) {
    await withInteraction({ feature: 'summarize' }, async () => {
      trace
        .getTracer('test')
        .startSpan('chat gpt-4o-mini', {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 1000,
            'gen_ai.usage.cache_read.input_tokens': 200,
            'gen_ai.usage.output_tokens': 100,
          },
        })
        .end();
    });
  }
  await reader.forceFlush();
});

afterAll(async () => {
  await tracing.shutdown();
  await meterProvider.shutdown();
  await receiver.close();
});

function metric(name: string, attributes: Record<string, unknown> = {}) {
  return receiver
    .metrics()
    .filter(
      (point: ReceivedMetric) =>
        point.name === name &&
        Object.entries(attributes).every(
          ([key, value]) => point.attributes[key] === value,
        ),
    );
}

describe('metrics over OTLP/HTTP', () => {
  it('arrive as protobuf', () => {
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(
      receiver.received.every((request) => request.format === 'protobuf'),
    ).toBe(true);
  });

  it('carry the cost as a monotonic sum in USD', () => {
    const points = metric('tokenmeter.cost', {
      'tokenmeter.feature': 'summarize',
    });
    const sum = points.reduce((total, point) => total + (point.value ?? 0), 0);

    expect(sum).toBeCloseTo(3 * CALL_COST, 12);
    expect(points[0]?.kind).toBe('sum');
    expect(points[0]?.monotonic).toBe(true);
    expect(points[0]?.unit).toBe('USD');
    expect(points[0]?.scope).toBe('tokenmeter');
  });

  it('carry the cost by token type', () => {
    const [cached] = metric('tokenmeter.cost', {
      'tokenmeter.token.type': 'cache_read',
    });

    expect(cached?.value).toBeCloseTo((3 * 200 * 0.075) / 1e6, 15);
    expect(cached?.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
  });

  it('carry the interaction count and cost histogram', () => {
    const [count] = metric('tokenmeter.interactions');
    const [cost] = metric('tokenmeter.interaction.cost');

    expect(count?.value).toBe(3);
    expect(cost?.kind).toBe('histogram');
    expect(cost?.count).toBe(3);
    expect(cost?.sum).toBeCloseTo(3 * CALL_COST, 12);
    expect(cost?.explicitBounds).toEqual([
      0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.3, 0.5, 1, 5,
    ]);
    expect(cost?.bucketCounts?.[0]).toBe(3);
  });

  it('carry the token usage histogram', () => {
    const [input] = metric('gen_ai.client.token.usage', {
      'gen_ai.token.type': 'input',
    });

    expect(input?.count).toBe(3);
    expect(input?.sum).toBe(3000);
    expect(input?.unit).toBe('{token}');
  });
});
