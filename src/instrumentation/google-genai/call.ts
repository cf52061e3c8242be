import type { Span } from '@opentelemetry/api';

import {
  TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED,
  TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED_PLUS_PREFIX,
} from '../../semconv.js';
import {
  encodingForModel,
  type EncodingChoice,
  type TokenCounter,
} from '../../tokenizer/index.js';
import { observeAsyncIterator } from '../common/async-iterable.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import {
  recordCallError,
  setUsageAttributes,
  type CallUsage,
} from '../common/span.js';
import type { StreamEnd } from '../common/stream.js';
import { tokenizerMethod, withTokenCounter } from '../common/token-estimate.js';
import { CompletionSizes } from '../common/completion-sizes.js';
import {
  candidateParts,
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
import { UncountedText } from './uncounted-text.js';

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
  private readonly uncounted = new UncountedText();
  /** Sizes of the candidates' text and function calls, without thoughts. */
  private readonly sizes = new CompletionSizes();
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
   * Keeps what a response or chunk reports, and the sizes of its output.
   * Each chunk of a stream repeats the usage so far, so the last
   * `usageMetadata` replaces the earlier ones.
   */
  private add(response: unknown): void {
    readResponseDetails(response, this.details);
    const metadata = (response as { usageMetadata?: unknown } | null)
      ?.usageMetadata;
    if (metadata !== undefined && metadata !== null) {
      this.usageMetadata = metadata;
    }
    this.sizes.add(candidateParts(response));
    if (this.streamed) {
      this.uncounted.add(response);
    }
  }

  private endStream(end: StreamEnd): void {
    const endTime = new Date();
    let pending: Promise<void> | undefined;
    this.guard(() => {
      if (end.kind === 'error' && !isAbortError(end.error)) {
        recordCallError(this.span, end.error);
      }
      // A stream that ended before its final chunk, which carries the
      // finish reason, reported usage only up to the chunk it stopped at.
      const final = end.kind === 'done' || this.details.finishReasons.size > 0;
      this.record(!final);
      if (!final && !this.uncounted.isEmpty) {
        pending = withTokenCounter(this.encoding().encoding, (counter) =>
          this.recordUncounted(counter),
        );
      }
    });
    this.endAfter(pending, endTime);
  }

  /**
   * Writes the response attributes, the sizes of the output, and the usage
   * reported last, marked as a lower bound (`last_reported`) when
   * `partial`: the stream stopped before its final chunk.
   */
  private record(partial: boolean): void {
    this.span.setAttributes(responseAttributes(this.details));
    this.span.setAttributes(this.sizes.attributes());
    const usage = this.reportedUsage();
    if (usage === undefined) {
      return;
    }
    if (partial) {
      usage.estimateMethod = TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED;
    }
    setUsageAttributes(this.span, usage);
  }

  /**
   * Adds the text streamed after the last count of the candidates' tokens
   * to the output, counted with o200k_base in place of Gemini's tokenizer,
   * which is not public. Thought text counts as output too; the reasoning
   * count stays as reported.
   */
  private recordUncounted(counter: TokenCounter): void {
    let counted = 0;
    for (const text of this.uncounted.candidateTexts()) {
      counted += counter.count(text);
    }

    const usage: CallUsage = this.reportedUsage() ?? {};
    const method = tokenizerMethod(this.encoding());
    usage.outputTokens = (usage.outputTokens ?? 0) + counted;
    usage.estimateMethod =
      this.usageMetadata === undefined
        ? method
        : TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED_PLUS_PREFIX + method;
    setUsageAttributes(this.span, usage);
  }

  private reportedUsage(): CallUsage | undefined {
    if (this.usageMetadata === undefined) {
      return undefined;
    }
    const reported = readReportedUsage(this.usageMetadata);
    warnIfInvalid(reported);
    return toCallUsage(reported);
  }

  private encoding(): EncodingChoice {
    return encodingForModel(this.details.model);
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
        logFailure('Counting the rest of a Google GenAI stream', error),
      )
      .finally(() => this.end(endTime));
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
