import type { Span } from '@opentelemetry/api';

import { observeApiPromise } from '../common/api-promise.js';
import { recordCallError, setUsageAttributes } from '../common/span.js';
import { observeStream, type StreamEnd } from '../common/stream.js';
import {
  messageSizeAttributes,
  readResponseDetails,
  responseAttributes,
} from './attributes.js';
import {
  estimateStoppedOutput,
  type OutputEstimate,
  type StoppedStreamOutput,
} from './estimate.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import { StreamedMessage } from './streamed-message.js';
import { hasInvalidCount, readReportedUsage, toCallUsage } from './usage.js';
import type { ReportedUsage } from './usage.js';

/** Settings of a `CallSpan`: its span and facts of the call it records. */
export interface CallSpanOptions {
  span: Span;
  /** True when the request asked for a stream (`stream: true`). */
  streamed: boolean;
  model?: string;
  stoppedStreamOutput: StoppedStreamOutput;
}

/**
 * The span of one `messages.create` call, which it ends once, when the call
 * settles: with the parsed Message, at the end of the stream the app reads,
 * or with the error. None of its methods throw.
 */
export class CallSpan {
  private readonly options: CallSpanOptions;
  private ended = false;

  constructor(options: CallSpanOptions) {
    this.options = options;
  }

  /**
   * Watches the value the SDK method returned, leaving it unchanged. A value
   * that is not an APIPromise ends the span at once, without usage.
   */
  observe(result: unknown): void {
    const observed = this.guard(() =>
      observeApiPromise(result, {
        onParsed: (value) => this.onParsed(value),
        onError: (error) => this.fail(error),
        onUnparsed: () => this.end(),
      }),
    );
    // NOTE: the span ends when the app reads the response. A response the
    // app never awaits, or a stream it never reads, leaves the span open.
    if (observed !== true) {
      this.end();
    }
  }

  /** Marks the span as failed with `error`, unless the app aborted. */
  fail(error: unknown): void {
    this.guard(() => {
      // An abort is the app's choice, not a failure of the call.
      if (!isAbortError(error)) {
        recordCallError(this.options.span, error);
      }
    });
    this.end();
  }

  private onParsed(value: unknown): void {
    if (this.options.streamed && this.observeEvents(value)) {
      return;
    }
    this.guard(() => this.recordMessage(value));
    this.end();
  }

  private recordMessage(message: unknown): void {
    const { span } = this.options;
    span.setAttributes(responseAttributes(readResponseDetails(message)));
    span.setAttributes(messageSizeAttributes(message));
    const usage = (message as { usage?: unknown } | null)?.usage;
    this.recordUsage(readReportedUsage(usage));
  }

  private observeEvents(stream: unknown): boolean {
    const keepText = this.options.stoppedStreamOutput === 'tokenizer';
    const message = new StreamedMessage(keepText);
    return observeStream(stream, {
      onItem: (event) => message.add(event),
      onEnd: (end) => this.endStream(message, end),
    });
  }

  private endStream(message: StreamedMessage, end: StreamEnd): void {
    const endTime = new Date();
    this.guard(() => {
      const { span } = this.options;
      span.setAttributes(responseAttributes(message.details));
      span.setAttributes(message.sizes.attributes());
      if (end.kind === 'error' && !isAbortError(end.error)) {
        recordCallError(span, end.error);
      }
    });

    if (!message.stoppedEarly) {
      this.guard(() => this.recordUsage(message.usage));
      this.end(endTime);
      return;
    }
    const output = message.stoppedOutput(this.options.model);
    estimateStoppedOutput(
      output,
      this.options.stoppedStreamOutput,
      (estimate) => {
        this.guard(() => this.recordUsage(message.usage, estimate));
        this.end(endTime);
      },
    );
  }

  private recordUsage(reported: ReportedUsage, estimate?: OutputEstimate) {
    if (hasInvalidCount(reported)) {
      warnOnceSafely(
        'anthropic-invalid-usage',
        'An Anthropic response had an invalid token count, which was left ' +
          'off its span. Later ones are not logged.',
      );
    }
    const usage = toCallUsage(reported);
    if (estimate) {
      usage.outputTokens = estimate.outputTokens;
      usage.estimateMethod = estimate.estimateMethod;
    }
    setUsageAttributes(this.options.span, usage);
  }

  private end(endTime?: Date): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.guard(() => this.options.span.end(endTime));
  }

  private guard<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      logFailure('Recording an Anthropic call', error);
      return undefined;
    }
  }
}

/** Tells whether an error comes from the app aborting the request. */
function isAbortError(error: unknown): boolean {
  const name = (error as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name;
  return (
    name === 'APIUserAbortError' ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
