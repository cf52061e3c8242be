import type { Span } from '@opentelemetry/api';

import { TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED } from '../../semconv.js';
import { observeAsyncIterator } from '../common/async-iterable.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import { recordCallError, setUsageAttributes } from '../common/span.js';
import type { StreamEnd } from '../common/stream.js';
import {
  readResponseDetails,
  responseAttributes,
  type ResponseDetails,
} from './attributes.js';
import {
  hasInvalidCount,
  readReportedUsage,
  toCallUsage,
  type ReportedUsage,
} from './usage.js';

/**
 * The span of one request that `generateContentInternal` or
 * `generateContentStreamInternal` sends. It ends the span once: when the
 * response arrives, when the stream ends or the app stops reading it, or
 * with the error. None of its methods throw.
 *
 * NOTE: a stream the app never reads to its end, and never stops, leaves
 * its span open.
 */
export class GenerateContentCall {
  private readonly details: ResponseDetails = { finishReasons: new Map() };
  private usageMetadata: unknown;
  private ended = false;

  constructor(
    private readonly span: Span,
    private readonly streamed: boolean,
  ) {}

  /**
   * Watches the promise the SDK method returned, leaving it unchanged: the
   * app gets the same promise, and the handlers added here neither change
   * its value nor leave a rejection unhandled.
   */
  observe(result: unknown): void {
    try {
      if (isThenable(result)) {
        void result.then(
          (value) => this.onResponse(value),
          (error: unknown) => this.fail(error),
        );
        return;
      }
    } catch (error) {
      logFailure('Observing a Google GenAI call', error);
    }
    this.end();
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

  private onResponse(value: unknown): void {
    if (this.streamed && this.observeChunks(value)) {
      return;
    }
    this.guard(() => {
      this.add(value);
      this.record(false);
    });
    this.end();
  }

  private observeChunks(stream: unknown): boolean {
    return observeAsyncIterator(stream, {
      onItem: (chunk) => this.add(chunk),
      onEnd: (end) => this.endStream(end),
    });
  }

  /**
   * Keeps what a response or chunk reports. Each chunk of a stream repeats
   * the usage so far, so the last `usageMetadata` replaces the earlier ones.
   */
  private add(response: unknown): void {
    readResponseDetails(response, this.details);
    const metadata = (response as { usageMetadata?: unknown } | null)
      ?.usageMetadata;
    if (metadata !== undefined && metadata !== null) {
      this.usageMetadata = metadata;
    }
  }

  private endStream(end: StreamEnd): void {
    this.guard(() => {
      if (end.kind === 'error' && !isAbortError(end.error)) {
        recordCallError(this.span, end.error);
      }
      // A stream that ended before its final chunk, which carries the
      // finish reason, reported usage only up to the chunk it stopped at.
      const final = end.kind === 'done' || this.details.finishReasons.size > 0;
      this.record(!final);
    });
    this.end();
  }

  private record(partial: boolean): void {
    this.span.setAttributes(responseAttributes(this.details));
    if (this.usageMetadata === undefined) {
      return;
    }

    const reported = readReportedUsage(this.usageMetadata);
    warnIfInvalid(reported);
    const usage = toCallUsage(reported);
    if (partial) {
      usage.estimateMethod = TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED;
    }
    setUsageAttributes(this.span, usage);
  }

  private end(): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.guard(() => this.span.end());
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      logFailure('Recording a Google GenAI call', error);
    }
  }
}

function warnIfInvalid(reported: ReportedUsage): void {
  if (hasInvalidCount(reported)) {
    warnOnceSafely(
      'google-genai-invalid-usage',
      'A Google GenAI response had an invalid token count, which was left ' +
        'off its span. Later ones are not logged.',
    );
  }
}

/**
 * Tells whether an error comes from the app aborting the request through
 * `config.abortSignal`: the SDK rethrows fetch's `AbortError`.
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
