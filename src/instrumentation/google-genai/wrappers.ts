import {
  context,
  SpanKind,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';

import { isRecord } from '../common/attributes.js';
import { logFailure } from '../common/log.js';
import { requestAttributes, spanName } from './attributes.js';
import { GenerateContentCall } from './call.js';
import type { GenerateMethod, ModelsInstance } from './internal-types.js';

/** Accessors the wrappers call on the instrumentation at each call. */
export interface WrapperContext {
  isEnabled(): boolean;
  tracer(): Tracer;
}

interface StartedCall {
  call: GenerateContentCall;
  context: Context;
}

/**
 * Wraps `generateContentInternal` (`streamed` false) or
 * `generateContentStreamInternal` (`streamed` true): starts a CLIENT span,
 * runs the original method with the span active, and returns the SDK's own
 * promise, whose settling, or the end of whose stream, ends the span. When
 * the instrumentation is disabled, or starting the span fails, the original
 * method runs as if unpatched.
 */
export function wrapGenerate(
  original: GenerateMethod,
  wrapper: WrapperContext,
  streamed: boolean,
): GenerateMethod {
  return function generate(this: ModelsInstance, ...args: unknown[]) {
    if (!wrapper.isEnabled()) {
      return original.apply(this, args);
    }

    const started = startCall(this, args[0], wrapper, streamed);
    if (!started) {
      return original.apply(this, args);
    }
    return runTraced(started, () => original.apply(this, args));
  };
}

function startCall(
  models: ModelsInstance,
  params: unknown,
  wrapper: WrapperContext,
  streamed: boolean,
): StartedCall | undefined {
  try {
    const request = isRecord(params) ? params : {};
    const span = wrapper.tracer().startSpan(spanName(request.model), {
      kind: SpanKind.CLIENT,
      attributes: requestAttributes(request, models.apiClient, streamed),
    });
    return {
      call: new GenerateContentCall(span, streamed),
      context: trace.setSpan(context.active(), span),
    };
  } catch (error) {
    logFailure('Starting a Google GenAI span', error);
    return undefined;
  }
}

/**
 * Runs the SDK method with the call's span active, so that spans of the
 * HTTP request nest under it, and hands its result, or its error, to the
 * call. When activating the span fails before the method runs, the method
 * runs without it.
 */
function runTraced(started: StartedCall, run: () => unknown): unknown {
  let entered = false;
  try {
    return context.with(started.context, () => {
      entered = true;
      return observeRun(started.call, run);
    });
  } catch (error) {
    if (entered) {
      throw error;
    }
    logFailure('Activating the Google GenAI span', error);
    return observeRun(started.call, run);
  }
}

function observeRun(call: GenerateContentCall, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    call.fail(error);
    throw error;
  }
  call.observe(result);
  return result;
}
