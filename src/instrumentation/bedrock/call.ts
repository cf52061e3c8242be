import type { Span } from '@opentelemetry/api';

import { observeAsyncIterable } from '../common/async-iterable.js';
import { isRecord, type UnknownRecord } from '../common/attributes.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import {
  completionSizeAttributes,
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import { recordCallError, setUsageAttributes } from '../common/span.js';
import type { StreamEnd } from '../common/stream.js';
import { TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED } from '../../semconv.js';
import {
  decodeText,
  parseRequestBody,
  responseAttributes,
  serverAttributes,
  type ResponseDetails,
} from './attributes.js';
import {
  hasCounts,
  hasInvalidCount,
  mergeCounts,
  toCallUsage,
  type UncachedCounts,
} from './counts.js';
import { readInvokeModelBody, type BodyReading } from './invoke-model-body.js';
import { converseParts, invokeModelParts } from './output-parts.js';
import { isStreamed, type Operation } from './operations.js';
import type { HttpExchangeSink } from './response-headers.js';
import { BedrockStreamEstimator } from './stream-estimate.js';
import { StreamedOutput } from './streamed-output.js';
import {
  INVOCATION_METRICS_KEY,
  readConverseUsage,
  readInvocationMetrics,
  readTokenHeaders,
} from './usage.js';

/**
 * The span of one Bedrock Runtime command sent through `client.send`. It
 * ends the span once: with the output, at the end of the event stream the
 * app reads or stops reading, or with the error. None of its methods throw.
 *
 * NOTE: an event stream the app never reads to its end, and never stops,
 * leaves its span open.
 */
export class BedrockCall implements HttpExchangeSink {
  private readonly details: ResponseDetails = { finishReasons: [] };
  /** The output texts of a stream, as the app reads it. */
  private readonly streamedOutput = new StreamedOutput();
  /** Estimates the usage of a stream that ends before its counts. */
  private readonly estimator: BedrockStreamEstimator | undefined;
  /** The visible output of the response, which its sizes are read from. */
  private outputParts: CompletionParts = emptyParts();
  /** Counts from the response body or its stream, in the model's format. */
  private bodyCounts: UncachedCounts | undefined;
  /** Counts from `amazon-bedrock-invocationMetrics`, which win. */
  private metricCounts: UncachedCounts | undefined;
  /** Set once a stream has sent the event with its final counts. */
  private finalCountsSeen = false;
  private headers: Record<string, unknown> | undefined;
  private ended = false;

  /** `input` is the command's input, read when a streamed call starts. */
  constructor(
    private readonly span: Span,
    private readonly operation: Operation,
    input: UnknownRecord,
  ) {
    this.estimator = streamEstimator(operation, input, this.streamedOutput);
  }

  /** Keeps the headers of the HTTP response and the server it came from. */
  onHttpResponse(request: unknown, headers: Record<string, unknown>): void {
    this.headers = headers;
    this.guard(() => this.span.setAttributes(serverAttributes(request)));
  }

  /**
   * Watches the promise `send` returned, leaving it unchanged: the app gets
   * the same promise, and the handlers added here neither change its value
   * nor leave a rejection unhandled.
   */
  observe(result: unknown): void {
    try {
      if (isThenable(result)) {
        void result.then(
          (output) => this.onOutput(output),
          (error: unknown) => this.fail(error),
        );
        return;
      }
    } catch (error) {
      logFailure('Observing a Bedrock call', error);
    }
    this.end();
  }

  /** Handles the outcome of a `send` call made with a callback. */
  settle(error: unknown, output: unknown): void {
    if (error !== null && error !== undefined) {
      this.fail(error);
    } else {
      this.onOutput(output);
    }
  }

  /** Marks the span as failed with `error`, unless the app aborted. */
  fail(error: unknown): void {
    this.guard(() => {
      if (!isAbortError(error)) {
        recordCallError(this.span, error);
      }
    });
    this.end();
  }

  private onOutput(output: unknown): void {
    const fields = isRecord(output) ? output : {};
    if (this.observeStream(fields)) {
      return;
    }
    this.guard(() => {
      if (this.operation === 'Converse') {
        this.addConverseOutput(fields);
      } else {
        const body = parseBody(fields.body);
        this.addReading(readInvokeModelBody(body));
        this.outputParts = invokeModelParts(body);
      }
      this.record();
    });
    this.end();
  }

  private observeStream(output: Record<string, unknown>): boolean {
    if (this.operation === 'ConverseStream') {
      return observeAsyncIterable(output.stream, {
        onItem: (event) => this.addConverseEvent(event),
        onEnd: (end) => this.endStream(end),
      });
    }
    if (this.operation === 'InvokeModelWithResponseStream') {
      return observeAsyncIterable(output.body, {
        onItem: (event) => this.addChunk(event),
        onEnd: (end) => this.endStream(end),
      });
    }
    return false;
  }

  private addConverseOutput(output: Record<string, unknown>): void {
    this.bodyCounts = readConverseUsage(output.usage);
    this.addFinishReason(output.stopReason);
    this.outputParts = converseParts(output);
  }

  /** Reads a ConverseStream event: `messageStop` and `metadata` matter. */
  private addConverseEvent(event: unknown): void {
    if (!isRecord(event)) {
      return;
    }
    this.streamedOutput.add(event);
    if (isRecord(event.messageStop)) {
      this.addFinishReason(event.messageStop.stopReason);
    }
    if (isRecord(event.metadata)) {
      this.bodyCounts = readConverseUsage(event.metadata.usage);
      this.finalCountsSeen ||= this.bodyCounts !== undefined;
    }
  }

  /** Reads a `{ chunk: { bytes } }` event of InvokeModelWithResponseStream. */
  private addChunk(event: unknown): void {
    const chunk = isRecord(event) && isRecord(event.chunk) ? event.chunk : {};
    const body = parseBody(chunk.bytes);
    if (!isRecord(body)) {
      return;
    }
    this.streamedOutput.add(body);
    const metrics = readInvocationMetrics(body[INVOCATION_METRICS_KEY]);
    if (metrics) {
      this.metricCounts = metrics;
    }
    this.finalCountsSeen ||= metrics !== undefined || hasFinalCounts(body);
    this.addReading(readInvokeModelBody(body));
  }

  private addReading(reading: BodyReading): void {
    if (reading.counts) {
      this.bodyCounts = mergeCounts(this.bodyCounts, reading.counts);
    }
    this.details.id = reading.id ?? this.details.id;
    this.details.model = reading.model ?? this.details.model;
    reading.finishReasons.forEach((reason) => this.addFinishReason(reason));
  }

  private addFinishReason(reason: unknown): void {
    if (typeof reason === 'string' && reason !== '') {
      this.details.finishReasons.push(reason);
    }
  }

  private endStream(end: StreamEnd): void {
    const endTime = new Date();
    let pending: Promise<void> | undefined;
    this.guard(() => {
      if (end.kind === 'error' && !isAbortError(end.error)) {
        recordCallError(this.span, end.error);
      }
      this.outputParts = this.streamedOutput.outputParts();
      if (this.finalCountsSeen || this.estimator === undefined) {
        this.record();
        return;
      }
      // The counts reported so far stay if the tokenizer fails to load.
      this.record(TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED);
      pending = this.estimator.estimate(this.bodyCounts, (usage) =>
        setUsageAttributes(this.span, usage),
      );
    });
    this.endAfter(pending, endTime);
  }

  /**
   * Ends the span now, or once `pending` settles, with `endTime`: the span
   * keeps the time the stream ended, not the time the tokenizer loaded.
   */
  private endAfter(pending: Promise<void> | undefined, endTime: Date): void {
    if (pending === undefined) {
      this.end();
      return;
    }
    void pending
      .catch((error: unknown) =>
        logFailure('Estimating a Bedrock stream', error),
      )
      .finally(() => this.end(endTime));
  }

  /**
   * Writes the response attributes, the sizes of the output, and the
   * usage, from the first source that has counts: the invocation metrics
   * of a stream, the body in the model's format, then the token count
   * headers. `estimateMethod` marks counts that a stream reported before it
   * stopped.
   */
  private record(estimateMethod?: string): void {
    this.span.setAttributes(responseAttributes(this.details));
    this.span.setAttributes(completionSizeAttributes(this.outputParts));
    const counts = [
      this.metricCounts,
      this.bodyCounts,
      readTokenHeaders(this.headers),
    ].find(hasCounts);
    if (!counts) {
      return;
    }
    if (hasInvalidCount(counts)) {
      warnOnceSafely(
        'bedrock-invalid-usage',
        'A Bedrock response had an invalid token count, which was left ' +
          'off its span. Later ones are not logged.',
      );
    }
    setUsageAttributes(this.span, { ...toCallUsage(counts), estimateMethod });
  }

  private end(endTime?: Date): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.guard(() => this.span.end(endTime));
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      logFailure('Recording a Bedrock call', error);
    }
  }
}

/**
 * Builds the estimator of a streamed call from its command input: a
 * Converse input as it is, an InvokeModel input's parsed body.
 */
function streamEstimator(
  operation: Operation,
  input: UnknownRecord,
  output: StreamedOutput,
): BedrockStreamEstimator | undefined {
  if (!isStreamed(operation)) {
    return undefined;
  }
  const request =
    operation === 'ConverseStream' ? input : parseRequestBody(input.body);
  return new BedrockStreamEstimator(input.modelId, request ?? {}, output);
}

/**
 * Tells whether an InvokeModel stream chunk carries the final counts in
 * its model's format: Anthropic's `message_delta`, Nova's `metadata`.
 */
function hasFinalCounts(body: UnknownRecord): boolean {
  return (
    body.type === 'message_delta' ||
    (isRecord(body.metadata) && isRecord(body.metadata.usage))
  );
}

/** Parses a JSON body given as bytes or text, or returns undefined. */
function parseBody(body: unknown): unknown {
  const text = decodeText(body);
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether an error comes from the app aborting the request through
 * the `abortSignal` option of `send`.
 */
function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
