import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
} from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { OtlpReceiver, type ReceivedMetric } from './receiver.js';

const RESOURCE_ATTRIBUTES = { 'service.name': 'otlp-receiver-test' };

// The exporters type this option as their own string enum.
const GZIP = 'gzip' as CompressionAlgorithm;

let receiver: OtlpReceiver;
let origin: string;

beforeAll(async () => {
  receiver = new OtlpReceiver();
  origin = await receiver.start();
});

afterAll(async () => {
  await receiver.close();
});

beforeEach(() => {
  receiver.clear();
});

function createMeterProvider(
  compression?: CompressionAlgorithm,
): MeterProvider {
  const exporter = new OTLPMetricExporter({
    url: `${origin}/v1/metrics`,
    compression,
  });
  // The interval is long so that only forceFlush() exports.
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 60_000,
  });
  return new MeterProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    readers: [reader],
  });
}

function createTracerProvider(): TracerProvider {
  const exporter = new OTLPTraceExporter({ url: `${origin}/v1/traces` });
  return new TracerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
}

/** Records a counter, an int counter and a histogram, and flushes them. */
async function exportSampleMetrics(
  provider: MeterProvider,
): Promise<ReceivedMetric[]> {
  const meter = provider.getMeter('receiver-test-meter', '1.2.3');

  const requests = meter.createCounter('test.requests', {
    unit: '{request}',
    description: 'Requests handled',
  });
  requests.add(1.5, { route: '/a', ok: true });
  requests.add(2, { route: '/a', ok: true });
  requests.add(4, { route: '/b', ok: false });

  const tokens = meter.createCounter('test.tokens', {
    unit: '{token}',
    valueType: ValueType.INT,
  });
  tokens.add(7, { 'token.type': 'input' });
  tokens.add(35, { 'token.type': 'input' });

  const latency = meter.createHistogram('test.latency', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [10, 100, 1000] },
  });
  for (const value of [5, 50, 50, 5000]) {
    latency.record(value, { route: '/a' });
  }

  await provider.forceFlush();
  await receiver.waitFor((r) => r.metrics().length >= 4);
  return receiver.metrics();
}

function findPoint(
  points: ReceivedMetric[],
  name: string,
  attributes: Record<string, unknown> = {},
): ReceivedMetric {
  const point = points.find(
    (candidate) =>
      candidate.name === name &&
      Object.entries(attributes).every(
        ([key, value]) => candidate.attributes[key] === value,
      ),
  );
  if (!point) {
    throw new Error(
      `No data point ${name} ${JSON.stringify(attributes)}; ` +
        receiver.summarize(),
    );
  }
  return point;
}

async function post(
  path: string,
  body: string | Uint8Array,
  contentType: string,
): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

describe('OtlpReceiver with the OTLP/proto metric exporter', () => {
  it('decodes counters and their attributes', async () => {
    const provider = createMeterProvider();
    try {
      const points = await exportSampleMetrics(provider);

      const routeA = findPoint(points, 'test.requests', { route: '/a' });
      expect(routeA.kind).toBe('sum');
      expect(routeA.unit).toBe('{request}');
      expect(routeA.description).toBe('Requests handled');
      expect(routeA.monotonic).toBe(true);
      expect(routeA.temporality).toBe('cumulative');
      expect(routeA.attributes).toEqual({ route: '/a', ok: true });
      expect(routeA.value).toBe(3.5);
      expect(routeA.valueType).toBe('double');

      const routeB = findPoint(points, 'test.requests', { route: '/b' });
      expect(routeB.attributes).toEqual({ route: '/b', ok: false });
      expect(routeB.value).toBe(4);
      expect(routeB.valueType).toBe('double');
    } finally {
      await provider.shutdown();
    }
  });

  it('decodes an int counter as as_int', async () => {
    const provider = createMeterProvider();
    try {
      const points = await exportSampleMetrics(provider);

      const tokens = findPoint(points, 'test.tokens');
      expect(tokens.kind).toBe('sum');
      expect(tokens.unit).toBe('{token}');
      expect(tokens.attributes).toEqual({ 'token.type': 'input' });
      expect(tokens.value).toBe(42);
      expect(tokens.valueType).toBe('int');
    } finally {
      await provider.shutdown();
    }
  });

  it('decodes histogram buckets and bounds', async () => {
    const provider = createMeterProvider();
    try {
      const points = await exportSampleMetrics(provider);

      const latency = findPoint(points, 'test.latency');
      expect(latency.kind).toBe('histogram');
      expect(latency.unit).toBe('ms');
      expect(latency.temporality).toBe('cumulative');
      expect(latency.attributes).toEqual({ route: '/a' });
      expect(latency.explicitBounds).toEqual([10, 100, 1000]);
      expect(latency.bucketCounts).toEqual([1, 2, 0, 1]);
      expect(latency.count).toBe(4);
      expect(latency.sum).toBe(5105);
      expect(latency.min).toBe(5);
      expect(latency.max).toBe(5000);
    } finally {
      await provider.shutdown();
    }
  });

  it('reports scope and resource on each point', async () => {
    const provider = createMeterProvider();
    try {
      const points = await exportSampleMetrics(provider);

      expect(points).toHaveLength(4);
      for (const point of points) {
        expect(point.scope).toBe('receiver-test-meter');
        expect(point.scopeVersion).toBe('1.2.3');
        expect(point.resource['service.name']).toBe('otlp-receiver-test');
      }
    } finally {
      await provider.shutdown();
    }
  });

  it('sends uncompressed protobuf by default', async () => {
    const provider = createMeterProvider();
    try {
      await exportSampleMetrics(provider);

      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.format).toBe('protobuf');
      expect(receiver.received[0]?.contentEncoding).toBeUndefined();
      expect(receiver.rejected).toEqual([]);
    } finally {
      await provider.shutdown();
    }
  });

  it('decodes gzip-compressed requests', async () => {
    const provider = createMeterProvider(GZIP);
    try {
      const points = await exportSampleMetrics(provider);

      expect(receiver.received[0]?.contentEncoding).toBe('gzip');
      expect(findPoint(points, 'test.tokens').value).toBe(42);
      expect(findPoint(points, 'test.latency').bucketCounts).toEqual([
        1, 2, 0, 1,
      ]);
    } finally {
      await provider.shutdown();
    }
  });
});

describe('OtlpReceiver with the OTLP/proto trace exporter', () => {
  it('decodes span names, ids and parent ids', async () => {
    const provider = createTracerProvider();
    try {
      const tracer = provider.getTracer('receiver-test-tracer', '4.5.6');
      const parent = tracer.startSpan('test.parent', {
        kind: SpanKind.SERVER,
      });
      const parentContext = trace.setSpan(context.active(), parent);
      const child = tracer.startSpan(
        'test.child',
        { kind: SpanKind.CLIENT },
        parentContext,
      );
      child.end();
      parent.end();

      await provider.forceFlush();
      await receiver.waitFor((r) => r.spans().length >= 2);
      const spans = receiver.spans();

      const receivedParent = spans.find((span) => span.name === 'test.parent');
      const receivedChild = spans.find((span) => span.name === 'test.child');
      expect(receivedParent?.kind).toBe('server');
      expect(receivedChild?.kind).toBe('client');
      expect(receivedParent?.traceId).toBe(parent.spanContext().traceId);
      expect(receivedParent?.spanId).toBe(parent.spanContext().spanId);
      expect(receivedParent?.parentSpanId).toBeUndefined();
      expect(receivedChild?.traceId).toBe(parent.spanContext().traceId);
      expect(receivedChild?.spanId).toBe(child.spanContext().spanId);
      expect(receivedChild?.parentSpanId).toBe(parent.spanContext().spanId);
      expect(receivedChild?.scope).toBe('receiver-test-tracer');
      expect(receivedChild?.scopeVersion).toBe('4.5.6');
      expect(receivedChild?.resource['service.name']).toBe(
        'otlp-receiver-test',
      );
    } finally {
      await provider.shutdown();
    }
  });

  it('decodes attributes, events, links and status', async () => {
    const provider = createTracerProvider();
    try {
      const tracer = provider.getTracer('receiver-test-tracer');
      const linkedContext = {
        traceId: 'ab'.repeat(16),
        spanId: 'cd'.repeat(8),
        traceFlags: 1,
      };
      const span = tracer.startSpan('test.attributes', {
        attributes: {
          'http.route': '/chat',
          'retry.count': 2,
          'sample.ratio': 0.25,
          'cache.hit': false,
          'stop.sequences': ['END', 'STOP'],
        },
        links: [{ context: linkedContext, attributes: { reason: 'batch' } }],
      });
      span.addEvent('retry', { attempt: 1 });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      span.end();

      await provider.forceFlush();
      await receiver.waitFor((r) => r.spans().length >= 1);
      const [received] = receiver.spans();

      expect(received?.attributes).toEqual({
        'http.route': '/chat',
        'retry.count': 2,
        'sample.ratio': 0.25,
        'cache.hit': false,
        'stop.sequences': ['END', 'STOP'],
      });
      expect(received?.kind).toBe('internal');
      expect(received?.status).toEqual({ code: 'error', message: 'boom' });
      expect(received?.events).toHaveLength(1);
      expect(received?.events[0]?.name).toBe('retry');
      expect(received?.events[0]?.attributes).toEqual({ attempt: 1 });
      expect(received?.links).toEqual([
        {
          traceId: linkedContext.traceId,
          spanId: linkedContext.spanId,
          attributes: { reason: 'batch' },
        },
      ]);
      expect(received?.endTimeUnixNano).toBeGreaterThanOrEqual(
        received?.startTimeUnixNano ?? 0n,
      );
    } finally {
      await provider.shutdown();
    }
  });

  it('distinguishes int and double attributes', async () => {
    const provider = createTracerProvider();
    try {
      const span = provider.getTracer('receiver-test-tracer').startSpan('s', {
        attributes: { whole: 2, fraction: 0.25 },
      });
      span.end();

      await provider.forceFlush();
      await receiver.waitFor((r) => r.spans().length >= 1);
      const body = receiver.received[0]?.body as any;
      const attributes = body.resourceSpans[0].scopeSpans[0].spans[0]
        .attributes as { key: string; value: { value: string } }[];
      const fieldOf = (key: string) =>
        attributes.find((attribute) => attribute.key === key)?.value.value;

      expect(fieldOf('whole')).toBe('intValue');
      expect(fieldOf('fraction')).toBe('doubleValue');
    } finally {
      await provider.shutdown();
    }
  });
});

describe('OtlpReceiver with OTLP/JSON', () => {
  it('decodes hex ids and string int64 values', async () => {
    const request = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'json-test' } },
            ],
          },
          scopeSpans: [
            {
              scope: { name: 'json-scope', version: '0.1.0' },
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  parentSpanId: 'EEE19B7EC3C1B173',
                  name: 'json.span',
                  kind: 3,
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: '1544712661000000000',
                  attributes: [
                    { key: 'tokens', value: { intValue: '128' } },
                    { key: 'model', value: { stringValue: 'gpt' } },
                  ],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    };

    const response = await post(
      '/v1/traces',
      JSON.stringify(request),
      'application/json; charset=utf-8',
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const [span] = receiver.spans();
    expect(span?.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(span?.spanId).toBe('eee19b7ec3c1b174');
    expect(span?.parentSpanId).toBe('eee19b7ec3c1b173');
    expect(span?.kind).toBe('client');
    expect(span?.startTimeUnixNano).toBe(1544712660000000000n);
    expect(span?.attributes).toEqual({ tokens: 128, model: 'gpt' });
    expect(span?.status).toEqual({ code: 'ok', message: '' });
    expect(span?.scope).toBe('json-scope');
    expect(span?.resource).toEqual({ 'service.name': 'json-test' });
    expect(receiver.received[0]?.format).toBe('json');
  });

  it('decodes a gauge with an int value', async () => {
    const request = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'queue.depth',
                  unit: '{item}',
                  gauge: {
                    dataPoints: [
                      {
                        asInt: '12',
                        timeUnixNano: '1544712660000000000',
                        attributes: [
                          { key: 'queue', value: { stringValue: 'main' } },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };

    const response = await post(
      '/v1/metrics',
      JSON.stringify(request),
      'application/json',
    );

    expect(response.status).toBe(200);
    expect(receiver.metrics()).toEqual([
      {
        name: 'queue.depth',
        unit: '{item}',
        description: '',
        kind: 'gauge',
        attributes: { queue: 'main' },
        value: 12,
        valueType: 'int',
        scope: '',
        scopeVersion: '',
        resource: {},
      },
    ]);
  });

  it('rejects an id that is not hex', async () => {
    const request = {
      resourceSpans: [
        { scopeSpans: [{ spans: [{ name: 'bad', traceId: 'not-hex' }] }] },
      ],
    };

    const response = await post(
      '/v1/traces',
      JSON.stringify(request),
      'application/json',
    );

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Invalid traceId "not-hex"');
    expect(receiver.received).toEqual([]);
  });
});

describe('OtlpReceiver request handling', () => {
  it('answers an unknown path with 404', async () => {
    const response = await post('/v1/logs', '', 'application/x-protobuf');

    expect(response.status).toBe(404);
    expect(receiver.rejected[0]?.path).toBe('/v1/logs');
  });

  it('answers a GET with 405', async () => {
    const response = await fetch(`${origin}/v1/metrics`);

    expect(response.status).toBe(405);
  });

  it('answers an unknown content-type with 415', async () => {
    const response = await post('/v1/metrics', 'x', 'text/plain');

    expect(response.status).toBe(415);
    expect(await response.text()).toContain('"text/plain"');
  });

  it('answers an invalid protobuf body with 400', async () => {
    // Field 1 with wire type 2 and a length of 5, followed by one byte only.
    const truncated = Uint8Array.from([0x0a, 0x05, 0x01]);

    const response = await post(
      '/v1/metrics',
      truncated,
      'application/x-protobuf',
    );

    expect(response.status).toBe(400);
    expect(receiver.rejected[0]?.message).toContain(
      'Invalid ExportMetricsServiceRequest protobuf body',
    );
  });

  it('accepts an empty protobuf body', async () => {
    const response = await post(
      '/v1/traces',
      new Uint8Array(),
      'application/x-protobuf',
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(receiver.spans()).toEqual([]);
  });
});

describe('OtlpReceiver.waitFor', () => {
  it('resolves once the predicate holds', async () => {
    let calls = 0;

    await receiver.waitFor(() => {
      calls += 1;
      return calls === 3;
    }, 1_000);

    expect(calls).toBe(3);
  });

  it('rejects with a summary after the timeout', async () => {
    await post('/v1/logs', '', 'application/x-protobuf');

    const error: unknown = await receiver
      .waitFor((r) => r.spans().length > 0, 50)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Timed out after 50 ms waiting for OTLP data.');
    expect(message).toContain('Metrics received: none.');
    expect(message).toContain('Spans received: none.');
    expect(message).toContain('POST /v1/logs -> 404: No OTLP endpoint');
  });
});
