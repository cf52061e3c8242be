import { SpanStatusCode, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ERROR_TYPE_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';

import { completionSizeAttributes } from '../common/completion-sizes.js';
import { setUsageAttributes } from '../common/span.js';
import type { StreamEnd } from '../common/stream.js';
import type { StreamAccumulator } from './internal-types.js';
import {
  setResponseObjectAttributes,
  setResponseObjectUsage,
} from './response-attributes.js';
import { StreamedResponseOutput } from './responses-output.js';
import type { UsageEstimator } from './usage-estimate.js';
import { isRecord, type UnknownRecord } from './values.js';

/**
 * Reads a Responses API event stream. The `response.created` and
 * `response.in_progress` events carry a `response` snapshot without usage,
 * and the final `response.completed`, `response.incomplete` or
 * `response.failed` event the finished response with its usage, so the
 * last snapshot is kept. A stream that ends without usage, because the app
 * stopped reading it, aborted it or it failed before its final event, gets
 * usage estimated from the request and the output deltas it streamed.
 * The sizes of the streamed messages and tool calls are written either way.
 *
 * A stream can also fail without the SDK throwing: openai 6 and earlier
 * hand an `error` event to the app as one more item, and a
 * `response.failed` event ends the stream as usual. Both mark the span
 * as failed, with the provider's error code as `error.type`.
 */
export class ResponseStreamAccumulator implements StreamAccumulator {
  private response: UnknownRecord | undefined;
  private readonly output = new StreamedResponseOutput();
  private failure: StreamFailure | undefined;

  constructor(private readonly estimator: UsageEstimator) {}

  add(event: unknown): void {
    if (!isRecord(event)) {
      return;
    }
    if (isRecord(event.response)) {
      this.response = event.response;
    }
    if (event.type === 'error') {
      this.failure = failureOf(event);
    } else if (event.type === 'response.failed') {
      this.failure = failureOf(this.response?.error);
    }
    this.output.add(event);
  }

  finish(span: Span, end: StreamEnd): Promise<void> | undefined {
    if (this.failure !== undefined && end.kind !== 'error') {
      span.setAttribute(ATTR_ERROR_TYPE, this.failure.type);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: this.failure.message,
      });
    }
    const response = this.response ?? {};
    setResponseObjectAttributes(span, response);
    span.setAttributes(completionSizeAttributes(this.output.outputParts()));
    if (setResponseObjectUsage(span, response)) {
      return undefined;
    }
    return this.estimator.estimate(this.output.outputTexts(), (estimate) =>
      setUsageAttributes(span, estimate),
    );
  }
}

/** The error a stream reported in one of its events. */
interface StreamFailure {
  type: string;
  message: string | undefined;
}

/** Reads `{ code, message }`, as error events and failed responses carry. */
function failureOf(value: unknown): StreamFailure {
  const error = isRecord(value) ? value : {};
  return {
    type:
      typeof error.code === 'string' && error.code !== ''
        ? error.code
        : ERROR_TYPE_VALUE_OTHER,
    message: typeof error.message === 'string' ? error.message : undefined,
  };
}
