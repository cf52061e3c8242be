import {
  context,
  SpanKind,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

import { withCallAttributes } from '../../interaction/call-attributes.js';
import {
  prepareCall,
  type OutputLimit,
  type PreparedCall,
} from '../common/before-call.js';
import { rejectedCall } from '../common/blocked-call.js';
import { recordCallError } from '../common/span.js';
import { providerName, requestAttributes, spanName } from './attributes.js';
import { CallSpan } from './call-span.js';
import { recordOnSdkSpan } from './sdk-span.js';
import type { MessagesMethod, MessagesResource } from './internal-types.js';
import { logFailure, warnOnceSafely } from '../common/log.js';
import type { AnthropicInstrumentationConfig } from './types.js';

/**
 * Count of calls to wrapped `create` methods, which the `stream()` wrapper
 * compares before and after the helper runs.
 */
let createCalls = 0;

/** Accessors the wrappers call on the instrumentation at each call. */
export interface WrapperContext {
  isEnabled(): boolean;
  tracer(): Tracer;
  config(): AnthropicInstrumentationConfig;
}

/**
 * Wraps `messages.create` (plain and `stream: true`): starts a CLIENT span,
 * runs the original call with the span active, and returns the SDK's own
 * APIPromise, whose settling ends the span.
 *
 * A client that traces itself (@anthropic-ai/sdk 0.134 and later, unless
 * its tracing is off) starts its own GenAI span for the call, with usage,
 * so the wrapper starts none: the call is then counted once, from the SDK's
 * span.
 */
export function wrapCreate(
  original: MessagesMethod,
  wrapper: WrapperContext,
): MessagesMethod {
  return function create(this: MessagesResource, ...args: unknown[]) {
    if (!wrapper.isEnabled()) {
      return original.apply(this, args);
    }

    createCalls += 1;
    const prepared = prepare(this, args[0]);
    if (prepared?.blocked) {
      return blockCall(this, args[0], prepared, wrapper);
    }
    const callArgs =
      prepared && prepared.params !== args[0]
        ? [prepared.params, ...args.slice(1)]
        : args;
    const call = startCall(this, callArgs[0], wrapper, prepared);
    if (!call) {
      const result = runForSdkSpan(prepared, () =>
        original.apply(this, callArgs),
      );
      recordOnSdkSpan(this, result, callArgs[0], wrapper.config());
      return result;
    }
    return runTraced(call, () => original.apply(this, callArgs));
  };
}

/** The output token limit of the Messages API, which budgets clamp. */
const MAX_TOKENS: OutputLimit = {
  read: (params) =>
    typeof params.max_tokens === 'number' ? params.max_tokens : undefined,
  write: (params, limit) => ({ ...params, max_tokens: limit }),
};

/**
 * Sizes the prompt for the cost breakdown and checks the call's budget, or
 * returns undefined when that fails, so the call goes ahead untouched.
 */
function prepare(
  resource: MessagesResource,
  params: unknown,
): PreparedCall | undefined {
  if (!isRecord(params)) {
    return undefined;
  }
  try {
    return prepareCall({
      provider: providerName(resource._client?.baseURL),
      model: typeof params.model === 'string' ? params.model : undefined,
      params,
      outputLimit: MAX_TOKENS,
    });
  } catch (error) {
    logFailure('Preparing an Anthropic call', error);
    return undefined;
  }
}

/**
 * Refuses a call that a budget blocks: it is not sent, its span records the
 * budget error, and the app gets a promise rejected with that error.
 */
function blockCall(
  resource: MessagesResource,
  params: unknown,
  prepared: PreparedCall,
  wrapper: WrapperContext,
): unknown {
  const error = prepared.blocked!;
  try {
    const request = isRecord(params) ? params : {};
    const span = wrapper.tracer().startSpan(spanName(request.model), {
      kind: SpanKind.CLIENT,
      attributes: {
        ...requestAttributes(request, resource._client?.baseURL),
        ...prepared.attributes,
      },
    });
    addEvents(span, prepared);
    recordCallError(span, error);
    span.end();
  } catch (failure) {
    logFailure('Recording a blocked Anthropic call', failure);
  }
  return rejectedCall(error);
}

/**
 * Runs a call whose span the SDK starts itself, handing that span the
 * prompt breakdown and budget outcome through the context.
 */
function runForSdkSpan(
  prepared: PreparedCall | undefined,
  run: () => unknown,
): unknown {
  if (prepared === undefined) {
    return run();
  }
  return context.with(withCallAttributes(context.active(), prepared), run);
}

function addEvents(span: Span, prepared: PreparedCall): void {
  for (const event of prepared.events) {
    span.addEvent(event.name, event.attributes);
  }
}

/**
 * Wraps the `messages.stream()` helper and returns the SDK's own
 * MessageStream. The helper sends its request through `this.create()`
 * before it returns (tested with @anthropic-ai/sdk 0.50.1, 0.99.0, 0.137.0
 * and 1.17.0), so the `create` wrapper starts the span and a call made
 * through the helper gets one span. A helper that returns without calling `create` is logged
 * once, because its calls go untraced.
 */
export function wrapStream(
  original: MessagesMethod,
  wrapper: WrapperContext,
): MessagesMethod {
  return function stream(this: MessagesResource, ...args: unknown[]) {
    if (!wrapper.isEnabled()) {
      return original.apply(this, args);
    }

    const callsBefore = createCalls;
    const result = original.apply(this, args);
    if (createCalls === callsBefore) {
      warnUntracedStream();
    }
    return result;
  };
}

function warnUntracedStream(): void {
  warnOnceSafely(
    'anthropic-stream-without-create',
    'messages.stream() of this @anthropic-ai/sdk version sent its request ' +
      'without messages.create(), so tokenmeter cannot trace it.',
  );
}

interface StartedCall {
  span: CallSpan;
  context: ReturnType<typeof context.active>;
}

/**
 * Starts the span of a call, or returns undefined when the client traces
 * itself or starting the span failed.
 */
function startCall(
  resource: MessagesResource,
  params: unknown,
  wrapper: WrapperContext,
  prepared: PreparedCall | undefined,
): StartedCall | undefined {
  try {
    if (tracesItself(resource)) {
      return undefined;
    }

    const request = isRecord(params) ? params : {};
    const span = wrapper.tracer().startSpan(spanName(request.model), {
      kind: SpanKind.CLIENT,
      attributes: {
        ...requestAttributes(request, resource._client?.baseURL),
        ...prepared?.attributes,
      },
    });
    if (prepared) {
      addEvents(span, prepared);
    }
    return {
      span: newCallSpan(span, request, wrapper.config()),
      context: trace.setSpan(context.active(), span),
    };
  } catch (error) {
    logFailure('Starting an Anthropic span', error);
    return undefined;
  }
}

function newCallSpan(
  span: Span,
  request: Record<string, unknown>,
  config: AnthropicInstrumentationConfig,
): CallSpan {
  return new CallSpan({
    span,
    streamed: request.stream === true,
    model: typeof request.model === 'string' ? request.model : undefined,
    stoppedStreamOutput: config.stoppedStreamOutput ?? 'tokenizer',
  });
}

/**
 * Runs the SDK method with the call's span active. When activating the span
 * fails before the method runs, the method runs without it.
 */
function runTraced(call: StartedCall, run: () => unknown): unknown {
  let entered = false;
  try {
    return context.with(call.context, () => {
      entered = true;
      return observeRun(call, run);
    });
  } catch (error) {
    if (entered) {
      throw error;
    }
    logFailure('Activating the Anthropic span', error);
    return observeRun(call, run);
  }
}

/** Runs the SDK method and hands its result, or its error, to the span. */
function observeRun(call: StartedCall, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    call.span.fail(error);
    throw error;
  }
  call.span.observe(result);
  return result;
}

/**
 * Tells whether the resource's client starts its own span for each call.
 * The SDK's `create()` makes the same check on `_client._tracer`, which the
 * client sets once, in its constructor, from its `openTelemetry` option or
 * the `ANTHROPIC_OPEN_TELEMETRY` variable.
 */
function tracesItself(resource: MessagesResource): boolean {
  const tracer = resource._client?._tracer;
  return tracer !== undefined && tracer !== null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
