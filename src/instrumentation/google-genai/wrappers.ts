import {
  context,
  SpanKind,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

import { ATTR_GEN_AI_PROVIDER_NAME } from '../../semconv.js';
import { isRecord } from '../common/attributes.js';
import {
  prepareCall,
  type OutputLimit,
  type PreparedCall,
} from '../common/before-call.js';
import { logFailure } from '../common/log.js';
import { recordCallError } from '../common/span.js';
import { requestAttributes, spanName } from './attributes.js';
import { GenerateContentCall } from './call.js';
import type { GenerateMethod, ModelsInstance } from './internal-types.js';
import { geminiPrompt } from './prompt.js';

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
 * `generateContentStreamInternal` (`streamed` true). Each call's prompt is
 * sized and its budget checked, then a CLIENT span starts and the original
 * method runs with the span active. The SDK's own promise is returned, and
 * its settling, or the end of its stream, ends the span.
 *
 * A call that a budget blocks is not sent: the method returns a promise
 * rejected with the budget error, so `generateContent` and
 * `generateContentStream` reject with it. With automatic function calling
 * (callable tools), `generateContentStream` sends its requests while the
 * app reads the stream, so the error comes from reading it, as any failed
 * request's does (read in the source of 3.3.0). When the instrumentation is
 * disabled, or its own code fails, the original method runs as if
 * unpatched.
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

    const prepared = prepare(this, args[0], streamed);
    if (prepared?.blocked) {
      return blockCall(this, args[0], prepared, wrapper, streamed);
    }
    const callArgs =
      prepared && prepared.params !== args[0]
        ? [prepared.params, ...args.slice(1)]
        : args;
    const started = startCall(this, callArgs[0], wrapper, streamed, prepared);
    if (!started) {
      return original.apply(this, callArgs);
    }
    return runTraced(started, () => original.apply(this, callArgs));
  };
}

/**
 * The output token limit of a Gemini request, `config.maxOutputTokens`,
 * which budgets clamp on a copy of the params and of their config.
 */
const MAX_OUTPUT_TOKENS: OutputLimit = {
  read: (params) => {
    const config = isRecord(params.config) ? params.config : {};
    const limit = config.maxOutputTokens;
    return typeof limit === 'number' && Number.isFinite(limit)
      ? limit
      : undefined;
  },
  write: (params, limit) => ({
    ...params,
    config: {
      ...(isRecord(params.config) ? params.config : {}),
      maxOutputTokens: limit,
    },
  }),
};

/**
 * Sizes the prompt for the cost breakdown and checks the call's budget, or
 * returns undefined when that fails, so the call goes ahead untouched.
 */
function prepare(
  models: ModelsInstance,
  params: unknown,
  streamed: boolean,
): PreparedCall | undefined {
  if (!isRecord(params)) {
    return undefined;
  }
  try {
    const attributes = requestAttributes(params, models.apiClient, streamed);
    return prepareCall({
      provider: String(attributes[ATTR_GEN_AI_PROVIDER_NAME]),
      model: typeof params.model === 'string' ? params.model : undefined,
      params,
      prompt: geminiPrompt(params),
      outputLimit: MAX_OUTPUT_TOKENS,
    });
  } catch (error) {
    logFailure('Preparing a Google GenAI call', error);
    return undefined;
  }
}

/**
 * Rejects a call that a budget blocks: it is not sent, its span records
 * the budget error, and the SDK gets a promise rejected with that error.
 */
function blockCall(
  models: ModelsInstance,
  params: unknown,
  prepared: PreparedCall,
  wrapper: WrapperContext,
  streamed: boolean,
): Promise<never> {
  const error = prepared.blocked!;
  try {
    const span = startSpan(models, params, wrapper, streamed, prepared);
    recordCallError(span, error);
    span.end();
  } catch (failure) {
    logFailure('Recording a blocked Google GenAI call', failure);
  }
  return Promise.reject(error);
}

function startCall(
  models: ModelsInstance,
  params: unknown,
  wrapper: WrapperContext,
  streamed: boolean,
  prepared: PreparedCall | undefined,
): StartedCall | undefined {
  try {
    const span = startSpan(models, params, wrapper, streamed, prepared);
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
 * Starts the span of a call with the attributes of the request as sent,
 * and the prompt breakdown and budget outcome.
 */
function startSpan(
  models: ModelsInstance,
  params: unknown,
  wrapper: WrapperContext,
  streamed: boolean,
  prepared: PreparedCall | undefined,
): Span {
  const request = isRecord(params) ? params : {};
  const span = wrapper.tracer().startSpan(spanName(request.model), {
    kind: SpanKind.CLIENT,
    attributes: {
      ...requestAttributes(request, models.apiClient, streamed),
      ...prepared?.attributes,
    },
  });
  for (const event of prepared?.events ?? []) {
    span.addEvent(event.name, event.attributes);
  }
  return span;
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
