// What tokenmeter adds to the span that @anthropic-ai/sdk starts itself
// (0.134 and later, unless its tracing is off) for a `messages.create`
// call. tokenmeter starts no span for such a call, and the processor
// prices the SDK's span. So tokenmeter writes onto that span the sizes of
// the response's text and tool calls, for the cost breakdown. It also
// writes the output estimate of a stream that the app stopped early: a
// stream stopped before `message_delta` leaves the span with the input
// counts of `message_start` and no output count, so its output would go
// unpriced.
//
// Both must be written before the SDK ends its span. The SDK ends the span
// of a plain response once it has parsed the body, after the parse that
// tokenmeter observes. For a stream, tokenmeter cannot write when its
// observer of the stream is notified of the end, because the SDK may have
// ended its span by then. When the app breaks out of `for await`, the
// `return()` of the SDK's iterator, which wraps the stream's
// `[Symbol.asyncIterator]`, ends the span before it returns the
// `iterator()` that tokenmeter observes (seen with 1.17.0, and read in the
// source of 0.137.0). So a stream's sizes and estimate are written by a
// wrapper of that span's own `end()`, whichever way the read ends. The
// span is the one the SDK hands its request in the `__span` request
// option, read back from the `props` its APIPromise parses.

import type { Span, TimeInput } from '@opentelemetry/api';

import { observeApiPromise } from '../common/api-promise.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import { setUsageAttributes } from '../common/span.js';
import { isSdkStream, observeStream } from '../common/stream.js';
import { estimateStoppedOutput, type StoppedStreamOutput } from './estimate.js';
import { messageSizeAttributes } from './attributes.js';
import type { MessagesResource } from './internal-types.js';
import { StreamedMessage } from './streamed-message.js';
import type { AnthropicInstrumentationConfig } from './types.js';

/** The facts of a call that its estimate on the SDK's span needs. */
interface SdkSpanCall {
  /** The requested model, for the tokenizer until the stream names one. */
  model?: string;
  streamed: boolean;
  stoppedStreamOutput: StoppedStreamOutput;
}

/**
 * Observes the APIPromise of a `messages.create` call that tokenmeter
 * starts no span for, leaving it unchanged. The SDK's own span then gets
 * the sizes of the response's text and tool calls and, for a stream
 * stopped early, its estimated output. Does nothing for a client that does
 * not trace itself, or a value that is not an APIPromise.
 */
export function recordOnSdkSpan(
  resource: MessagesResource,
  result: unknown,
  params: unknown,
  config: AnthropicInstrumentationConfig,
): void {
  const request = params as { stream?: unknown; model?: unknown } | null;
  const tracer = resource._client?._tracer;
  if (tracer === undefined || tracer === null) {
    return;
  }
  const call: SdkSpanCall = {
    model: typeof request?.model === 'string' ? request.model : undefined,
    streamed: request?.stream === true,
    stoppedStreamOutput: config.stoppedStreamOutput ?? 'tokenizer',
  };
  try {
    observeApiPromise(result, {
      onParsed: (value, props) => onParsed(value, props, call),
      onError: () => undefined,
      onUnparsed: () => undefined,
    });
  } catch (error) {
    logFailure('Observing an Anthropic call traced by its SDK', error);
  }
}

function onParsed(value: unknown, props: unknown, call: SdkSpanCall): void {
  if (call.streamed) {
    watchStream(value, props, call);
    return;
  }
  const span = sdkSpanOf(props);
  span?.setAttributes(messageSizeAttributes(value));
}

/**
 * Finds the SDK's span of the call in `props.options.__span.span`. Returns
 * undefined, after a warning when the props lack the `__span` option, if
 * there is no recording span to write onto: the SDK passes no span for a
 * call that its sampler drops.
 */
function sdkSpanOf(props: unknown): Span | undefined {
  const options = (props as { options?: unknown } | null)?.options;
  if (
    typeof options !== 'object' ||
    options === null ||
    !('__span' in options)
  ) {
    warnSpanNotFound();
    return undefined;
  }
  const call = (options as { __span?: unknown }).__span;
  const span = (call as { span?: unknown } | null | undefined)?.span;
  if (span !== undefined && !isSpan(span)) {
    warnSpanNotFound();
    return undefined;
  }
  return span?.isRecording() === true ? span : undefined;
}

function isSpan(value: unknown): value is Span {
  const span = value as Partial<Span> | null;
  return (
    typeof span?.end === 'function' &&
    typeof span.setAttributes === 'function' &&
    typeof span.isRecording === 'function'
  );
}

function warnSpanNotFound(): void {
  warnOnceSafely(
    'anthropic-sdk-span-not-found',
    'An @anthropic-ai/sdk client that traces itself parsed a response ' +
      'without a span that tokenmeter can read in its `__span` request ' +
      'option, so its responses are not sized and the output of its streams ' +
      'stopped early is not estimated.',
  );
}

function watchStream(stream: unknown, props: unknown, call: SdkSpanCall): void {
  if (!isSdkStream(stream)) {
    return;
  }
  const span = sdkSpanOf(props);
  if (span === undefined) {
    return;
  }
  const message = new StreamedMessage(call.stoppedStreamOutput === 'tokenizer');
  const observed = observeStream(stream, {
    onItem: (event) => message.add(event),
    onEnd: () => undefined,
  });
  if (observed) {
    recordBeforeEnd(span, message, call);
  }
}

/**
 * Replaces the span's `end` with one that first writes the sizes of the
 * streamed text and tool calls and the estimated output of a stream stopped
 * early, then ends the span with the time it was asked to end at. When the
 * tokenizer is still loading, the span ends once it has loaded. Later
 * calls of `end` go straight to the original.
 */
function recordBeforeEnd(
  span: Span,
  message: StreamedMessage,
  call: SdkSpanCall,
): void {
  const end = span.end.bind(span);
  let called = false;
  span.end = (endTime?: TimeInput): void => {
    if (called) {
      end(endTime);
      return;
    }
    called = true;
    writeSizes(span, message);
    if (!message.stoppedEarly) {
      end(endTime);
      return;
    }
    const time = endTime ?? new Date();
    const output = message.stoppedOutput(call.model);
    estimateStoppedOutput(output, call.stoppedStreamOutput, (estimate) => {
      try {
        setUsageAttributes(span, estimate);
      } catch (error) {
        logFailure('Recording an estimate on an Anthropic SDK span', error);
      }
      end(time);
    });
  };
}

function writeSizes(span: Span, message: StreamedMessage): void {
  try {
    span.setAttributes(message.sizes.attributes());
  } catch (error) {
    logFailure('Recording sizes on an Anthropic SDK span', error);
  }
}
