import type { Span } from '@opentelemetry/api';

import { completionSizeAttributes } from '../common/completion-sizes.js';
import { setUsageAttributes } from '../common/span.js';
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
 */
export class ResponseStreamAccumulator implements StreamAccumulator {
  private response: UnknownRecord | undefined;
  private readonly output = new StreamedResponseOutput();

  constructor(private readonly estimator: UsageEstimator) {}

  add(event: unknown): void {
    if (!isRecord(event)) {
      return;
    }
    if (isRecord(event.response)) {
      this.response = event.response;
    }
    this.output.add(event);
  }

  finish(span: Span): Promise<void> | undefined {
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
