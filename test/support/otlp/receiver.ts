import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import protobuf from 'protobufjs';

/** A decoded OTLP `AnyValue`, or null for an empty one. */
export type AttributeValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type OtlpSignal = 'metrics' | 'traces';

/** An export request that the receiver accepted and decoded. */
export interface ReceivedRequest {
  signal: OtlpSignal;
  /** `protobuf` for `application/x-protobuf`, `json` for OTLP/JSON. */
  format: 'protobuf' | 'json';
  /** The `content-encoding` header, such as `gzip`, when one was sent. */
  contentEncoding?: string;
  /**
   * The decoded export request with camelCase keys, 64-bit integers as
   * bigint, bytes fields as Buffer and enums as numbers.
   */
  body: Record<string, unknown>;
}

/** A request that the receiver rejected with an HTTP error status. */
export interface RejectedRequest {
  method: string;
  path: string;
  status: number;
  message: string;
}

export type MetricKind =
  'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';

export type Temporality = 'unspecified' | 'delta' | 'cumulative';

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/**
 * One data point of a received metric, with the metric's descriptor, scope
 * and resource copied onto it. 64-bit integers are converted to number.
 */
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  kind: MetricKind;
  /** Set for sums only. */
  monotonic?: boolean;
  /** Set for sums and both histogram kinds. */
  temporality?: Temporality;
  attributes: Attributes;
  /** The value of a sum or gauge point. */
  value?: number;
  /** Whether a sum or gauge point was encoded as `as_int` or `as_double`. */
  valueType?: 'int' | 'double';
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number;
  positive?: ExponentialBuckets;
  negative?: ExponentialBuckets;
  quantiles?: { quantile: number; value: number }[];
  scope: string;
  scopeVersion: string;
  resource: Attributes;
}

export type SpanKindName =
  'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface ReceivedSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface ReceivedSpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** A received span. Its ids are lowercase hex strings. */
export interface ReceivedSpan {
  name: string;
  kind: SpanKindName;
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId?: string;
  traceState: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  status: { code: 'unset' | 'ok' | 'error'; message: string };
  events: ReceivedSpanEvent[];
  links: ReceivedSpanLink[];
  scope: string;
  scopeVersion: string;
  resource: Attributes;
}

// Shapes of `Type.toObject` output under CONVERSION_OPTIONS. Scalars always
// have a value there, while message fields may be null.
interface PlainAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: bigint;
  doubleValue?: number;
  arrayValue?: { values: PlainAnyValue[] };
  kvlistValue?: { values: PlainKeyValue[] };
  bytesValue?: Uint8Array;
}

interface PlainKeyValue {
  key: string;
  value: PlainAnyValue | null;
}

interface PlainScope {
  name: string;
  version: string;
}

interface PlainOrigin {
  resource: { attributes: PlainKeyValue[] } | null;
  scope: PlainScope | null;
}

interface PlainNumberPoint {
  attributes: PlainKeyValue[];
  value?: 'asInt' | 'asDouble';
  asInt?: bigint;
  asDouble?: number;
}

interface PlainHistogramPoint {
  attributes: PlainKeyValue[];
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: bigint[];
  explicitBounds: number[];
}

interface PlainExponentialPoint {
  attributes: PlainKeyValue[];
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: bigint;
  positive: { offset: number; bucketCounts: bigint[] } | null;
  negative: { offset: number; bucketCounts: bigint[] } | null;
}

interface PlainSummaryPoint {
  attributes: PlainKeyValue[];
  count: bigint;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

interface PlainMetric {
  name: string;
  description: string;
  unit: string;
  data?: MetricKind;
  gauge?: { dataPoints: PlainNumberPoint[] };
  sum?: {
    dataPoints: PlainNumberPoint[];
    aggregationTemporality: number;
    isMonotonic: boolean;
  };
  histogram?: {
    dataPoints: PlainHistogramPoint[];
    aggregationTemporality: number;
  };
  exponentialHistogram?: {
    dataPoints: PlainExponentialPoint[];
    aggregationTemporality: number;
  };
  summary?: { dataPoints: PlainSummaryPoint[] };
}

interface PlainMetricsRequest {
  resourceMetrics: (PlainOrigin & {
    scopeMetrics: { scope: PlainScope | null; metrics: PlainMetric[] }[];
  })[];
}

interface PlainSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: PlainKeyValue[];
  events: { name: string; timeUnixNano: bigint; attributes: PlainKeyValue[] }[];
  links: {
    traceId: Uint8Array;
    spanId: Uint8Array;
    attributes: PlainKeyValue[];
  }[];
  status: { code: number; message: string } | null;
}

interface PlainTraceRequest {
  resourceSpans: (PlainOrigin & {
    scopeSpans: { scope: PlainScope | null; spans: PlainSpan[] }[];
  })[];
}

interface Origin {
  scope: string;
  scopeVersion: string;
  resource: Attributes;
}

const PROTO_PATH = fileURLToPath(new URL('./otlp.proto', import.meta.url));
const PROTO_PACKAGE = 'tokenmeter.test.otlp';

const REQUEST_TYPE_NAMES: Record<OtlpSignal, string> = {
  metrics: `${PROTO_PACKAGE}.ExportMetricsServiceRequest`,
  traces: `${PROTO_PACKAGE}.ExportTraceServiceRequest`,
};

const SIGNAL_BY_PATH = new Map<string, OtlpSignal>([
  ['/v1/metrics', 'metrics'],
  ['/v1/traces', 'traces'],
]);

const CONVERSION_OPTIONS: protobuf.IConversionOptions = {
  longs: BigInt,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: true,
};

// Indexed by the enum numbers in otlp.proto.
const TEMPORALITIES: Temporality[] = ['unspecified', 'delta', 'cumulative'];
const SPAN_KINDS: SpanKindName[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const STATUS_CODES = ['unset', 'ok', 'error'] as const;

// OTLP/JSON writes these bytes fields as hex instead of base64.
const HEX_ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

const POLL_INTERVAL_MS = 10;

const gunzipAsync = promisify(gunzip);

let rootPromise: Promise<protobuf.Root> | undefined;

function loadRoot(): Promise<protobuf.Root> {
  rootPromise ??= protobuf.load(PROTO_PATH);
  return rootPromise;
}

/** An error that the receiver turns into an HTTP error response. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An OTLP/HTTP receiver on 127.0.0.1 for tests. It accepts metric and trace
 * export requests as protobuf or OTLP/JSON, optionally gzip-compressed,
 * keeps them decoded and flattens them into one entry per metric data point
 * or span.
 */
export class OtlpReceiver {
  readonly received: ReceivedRequest[] = [];
  readonly rejected: RejectedRequest[] = [];

  private root?: protobuf.Root;
  private server?: Server;

  /** Starts listening on a free port and returns the receiver's origin. */
  async start(): Promise<string> {
    if (this.server) {
      throw new Error('The OTLP receiver is already started.');
    }
    this.root = await loadRoot();

    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server = server;

    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });

    return this.origin;
  }

  /** The receiver's origin, such as `http://127.0.0.1:40123`. */
  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) {
      throw new Error(
        'The OTLP receiver is not listening. Call start() first.',
      );
    }
    return `http://127.0.0.1:${address.port}`;
  }

  /** Stops the server and closes keep-alive connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets every received and rejected request. */
  clear(): void {
    this.received.length = 0;
    this.rejected.length = 0;
  }

  /** Returns one entry per data point, over all received metric requests. */
  metrics(): ReceivedMetric[] {
    return this.bodiesOf('metrics').flatMap((body) =>
      flattenMetricsRequest(body as unknown as PlainMetricsRequest),
    );
  }

  /** Returns every span of all received trace requests. */
  spans(): ReceivedSpan[] {
    return this.bodiesOf('traces').flatMap((body) =>
      flattenTraceRequest(body as unknown as PlainTraceRequest),
    );
  }

  /**
   * Polls until `predicate` returns true. Rejects after `timeoutMs` with a
   * message that lists what arrived so far.
   */
  async waitFor(
    predicate: (receiver: OtlpReceiver) => boolean,
    timeoutMs = 5_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;

    while (!predicate(this)) {
      if (Date.now() >= deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for OTLP data. ` +
            this.summarize(),
        );
      }
      await delay(POLL_INTERVAL_MS);
    }
  }

  /** Summarizes the received and rejected requests for error messages. */
  summarize(): string {
    const metricNames = unique(this.metrics().map((point) => point.name));
    const spanNames = unique(this.spans().map((span) => span.name));
    const rejections = this.rejected.map(
      (request) =>
        `${request.method} ${request.path} -> ${request.status}: ` +
        request.message,
    );

    return [
      `Metrics received: ${metricNames.join(', ') || 'none'}.`,
      `Spans received: ${spanNames.join(', ') || 'none'}.`,
      `Rejected requests: ${rejections.join('; ') || 'none'}.`,
    ].join(' ');
  }

  private bodiesOf(signal: OtlpSignal): Record<string, unknown>[] {
    return this.received
      .filter((request) => request.signal === signal)
      .map((request) => request.body);
  }

  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    try {
      const received = await this.decodeRequest(request);
      this.received.push(received);
      respondSuccess(response, received.format);
    } catch (error) {
      const status = error instanceof RequestError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      this.rejected.push({
        method: request.method ?? '',
        path: request.url ?? '',
        status,
        message,
      });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(message);
    }
  }

  private async decodeRequest(
    request: IncomingMessage,
  ): Promise<ReceivedRequest> {
    const signal = signalOf(request);
    const format = formatOf(request.headers['content-type']);
    const contentEncoding = request.headers['content-encoding'];
    const payload = await decompress(await readBody(request), contentEncoding);
    const type = this.requestType(signal);

    const body =
      format === 'json'
        ? decodeJson(type, payload)
        : decodeProtobuf(type, payload);

    return { signal, format, contentEncoding, body };
  }

  private requestType(signal: OtlpSignal): protobuf.Type {
    if (!this.root) {
      throw new Error('The OTLP receiver is not started. Call start() first.');
    }
    return this.root.lookupType(REQUEST_TYPE_NAMES[signal]);
  }
}

function signalOf(request: IncomingMessage): OtlpSignal {
  const path = new URL(request.url ?? '/', 'http://receiver').pathname;
  const signal = SIGNAL_BY_PATH.get(path);
  if (!signal) {
    throw new RequestError(
      404,
      `No OTLP endpoint at ${path}. Use /v1/metrics or /v1/traces.`,
    );
  }
  if (request.method !== 'POST') {
    throw new RequestError(
      405,
      `Method ${request.method} is not allowed. ` +
        'Send export requests with POST.',
    );
  }
  return signal;
}

function formatOf(contentType: string | undefined): 'protobuf' | 'json' {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') {
    return 'protobuf';
  }
  if (mediaType === 'application/json') {
    return 'json';
  }
  throw new RequestError(
    415,
    `Unsupported content-type ${JSON.stringify(contentType)}. ` +
      'Send application/x-protobuf or application/json.',
  );
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
): Promise<Buffer> {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') {
    return body;
  }
  if (encoding !== 'gzip') {
    throw new RequestError(
      415,
      `Unsupported content-encoding ${JSON.stringify(contentEncoding)}. ` +
        'Send gzip or no content-encoding.',
    );
  }
  try {
    return await gunzipAsync(body);
  } catch (error) {
    throw new RequestError(400, `Invalid gzip body: ${String(error)}`);
  }
}

function decodeProtobuf(
  type: protobuf.Type,
  payload: Buffer,
): Record<string, unknown> {
  let message: protobuf.Message;
  try {
    message = type.decode(payload);
  } catch (error) {
    throw new RequestError(
      400,
      `Invalid ${type.name} protobuf body: ${String(error)}`,
    );
  }
  return type.toObject(message, CONVERSION_OPTIONS);
}

function decodeJson(
  type: protobuf.Type,
  payload: Buffer,
): Record<string, unknown> {
  let message: protobuf.Message;
  try {
    const json: unknown = JSON.parse(payload.toString('utf8'));
    message = type.fromObject(hexIdsToBytes(json) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof RequestError) {
      throw error;
    }
    throw new RequestError(
      400,
      `Invalid ${type.name} JSON body: ${String(error)}`,
    );
  }
  return type.toObject(message, CONVERSION_OPTIONS);
}

/**
 * Replaces the hex trace and span ids of an OTLP/JSON document with bytes,
 * so that `Type.fromObject` does not read them as base64.
 */
function hexIdsToBytes(json: unknown): unknown {
  if (Array.isArray(json)) {
    return json.map(hexIdsToBytes);
  }
  if (json === null || typeof json !== 'object') {
    return json;
  }

  const entries = Object.entries(json).map(([key, value]) => {
    if (HEX_ID_KEYS.has(key) && typeof value === 'string') {
      return [key, hexToBytes(key, value)];
    }
    return [key, hexIdsToBytes(value)];
  });
  return Object.fromEntries(entries);
}

function hexToBytes(key: string, hex: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) {
    throw new RequestError(
      400,
      `Invalid ${key} ${JSON.stringify(hex)}. ` +
        'OTLP/JSON encodes ids as hex strings.',
    );
  }
  return Buffer.from(hex, 'hex');
}

function respondSuccess(
  response: ServerResponse,
  format: 'protobuf' | 'json',
): void {
  // An empty Export*ServiceResponse, which means full success in OTLP.
  if (format === 'json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/x-protobuf' });
  response.end();
}

function flattenMetricsRequest(body: PlainMetricsRequest): ReceivedMetric[] {
  return body.resourceMetrics.flatMap((resourceMetrics) =>
    resourceMetrics.scopeMetrics.flatMap((scopeMetrics) => {
      const origin = originOf(resourceMetrics, scopeMetrics.scope);
      return scopeMetrics.metrics.flatMap((metric) =>
        flattenMetric(metric, origin),
      );
    }),
  );
}

function flattenMetric(metric: PlainMetric, origin: Origin): ReceivedMetric[] {
  const descriptor = {
    name: metric.name,
    unit: metric.unit,
    description: metric.description,
    ...origin,
  };

  switch (metric.data) {
    case 'sum':
    case 'gauge':
      return flattenNumberMetric(metric, descriptor);
    case 'histogram':
      return flattenHistogram(metric, descriptor);
    case 'exponentialHistogram':
      return flattenExponentialHistogram(metric, descriptor);
    case 'summary':
      return flattenSummary(metric, descriptor);
    default:
      // A metric without data has no data points to report.
      return [];
  }
}

type Descriptor = Pick<
  ReceivedMetric,
  'name' | 'unit' | 'description' | 'scope' | 'scopeVersion' | 'resource'
>;

function flattenNumberMetric(
  metric: PlainMetric,
  descriptor: Descriptor,
): ReceivedMetric[] {
  if (metric.sum) {
    const { sum } = metric;
    return sum.dataPoints.map((point) => ({
      ...descriptor,
      kind: 'sum',
      monotonic: sum.isMonotonic,
      temporality: temporalityOf(sum.aggregationTemporality),
      ...numberPointFields(point),
    }));
  }

  return (metric.gauge?.dataPoints ?? []).map((point) => ({
    ...descriptor,
    kind: 'gauge',
    ...numberPointFields(point),
  }));
}

function numberPointFields(
  point: PlainNumberPoint,
): Pick<ReceivedMetric, 'attributes' | 'value' | 'valueType'> {
  const attributes = toAttributes(point.attributes);
  if (point.value === 'asInt') {
    return { attributes, value: toNumber(point.asInt), valueType: 'int' };
  }
  if (point.value === 'asDouble') {
    return { attributes, value: point.asDouble, valueType: 'double' };
  }
  // A point without a value is invalid in OTLP; it is kept so tests see it.
  return { attributes };
}

function flattenHistogram(
  metric: PlainMetric,
  descriptor: Descriptor,
): ReceivedMetric[] {
  const histogram = metric.histogram;
  if (!histogram) {
    return [];
  }

  return histogram.dataPoints.map((point) => ({
    ...descriptor,
    kind: 'histogram',
    temporality: temporalityOf(histogram.aggregationTemporality),
    attributes: toAttributes(point.attributes),
    count: toNumber(point.count),
    sum: point.sum,
    min: point.min,
    max: point.max,
    bucketCounts: point.bucketCounts.map(toNumber),
    explicitBounds: point.explicitBounds,
  }));
}

function flattenExponentialHistogram(
  metric: PlainMetric,
  descriptor: Descriptor,
): ReceivedMetric[] {
  const histogram = metric.exponentialHistogram;
  if (!histogram) {
    return [];
  }

  return histogram.dataPoints.map((point) => ({
    ...descriptor,
    kind: 'exponentialHistogram',
    temporality: temporalityOf(histogram.aggregationTemporality),
    attributes: toAttributes(point.attributes),
    count: toNumber(point.count),
    sum: point.sum,
    min: point.min,
    max: point.max,
    scale: point.scale,
    zeroCount: toNumber(point.zeroCount),
    positive: toExponentialBuckets(point.positive),
    negative: toExponentialBuckets(point.negative),
  }));
}

function toExponentialBuckets(
  buckets: PlainExponentialPoint['positive'],
): ExponentialBuckets {
  return {
    offset: buckets?.offset ?? 0,
    bucketCounts: (buckets?.bucketCounts ?? []).map(toNumber),
  };
}

function flattenSummary(
  metric: PlainMetric,
  descriptor: Descriptor,
): ReceivedMetric[] {
  return (metric.summary?.dataPoints ?? []).map((point) => ({
    ...descriptor,
    kind: 'summary',
    attributes: toAttributes(point.attributes),
    count: toNumber(point.count),
    sum: point.sum,
    quantiles: point.quantileValues.map(({ quantile, value }) => ({
      quantile,
      value,
    })),
  }));
}

function flattenTraceRequest(body: PlainTraceRequest): ReceivedSpan[] {
  return body.resourceSpans.flatMap((resourceSpans) =>
    resourceSpans.scopeSpans.flatMap((scopeSpans) => {
      const origin = originOf(resourceSpans, scopeSpans.scope);
      return scopeSpans.spans.map((span) => flattenSpan(span, origin));
    }),
  );
}

function flattenSpan(span: PlainSpan, origin: Origin): ReceivedSpan {
  return {
    name: span.name,
    kind: SPAN_KINDS[span.kind] ?? 'unspecified',
    traceId: toHex(span.traceId),
    spanId: toHex(span.spanId),
    parentSpanId: toHex(span.parentSpanId) || undefined,
    traceState: span.traceState,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: toAttributes(span.attributes),
    status: {
      code: STATUS_CODES[span.status?.code ?? 0] ?? 'unset',
      message: span.status?.message ?? '',
    },
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: event.timeUnixNano,
      attributes: toAttributes(event.attributes),
    })),
    links: span.links.map((link) => ({
      traceId: toHex(link.traceId),
      spanId: toHex(link.spanId),
      attributes: toAttributes(link.attributes),
    })),
    ...origin,
  };
}

function originOf(resourceData: PlainOrigin, scope: PlainScope | null): Origin {
  return {
    scope: scope?.name ?? '',
    scopeVersion: scope?.version ?? '',
    resource: toAttributes(resourceData.resource?.attributes ?? []),
  };
}

function toAttributes(keyValues: PlainKeyValue[]): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of keyValues) {
    attributes[key] = toAttributeValue(value);
  }
  return attributes;
}

function toAttributeValue(value: PlainAnyValue | null): AttributeValue {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return toNumber(value.intValue);
    case 'doubleValue':
      return value.doubleValue ?? 0;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(toAttributeValue);
    case 'kvlistValue':
      return toAttributes(value.kvlistValue?.values ?? []);
    case 'bytesValue':
      return value.bytesValue ?? new Uint8Array();
    default:
      return null;
  }
}

// NOTE: Integers above Number.MAX_SAFE_INTEGER lose precision here. The exact
// bigint stays in ReceivedRequest.body.
function toNumber(value: bigint | number | undefined): number {
  return Number(value ?? 0);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function temporalityOf(value: number): Temporality {
  return TEMPORALITIES[value] ?? 'unspecified';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
