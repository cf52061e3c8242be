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
import { BedrockCall } from './call.js';
import {
  operationOf,
  type CommandClasses,
  type Operation,
} from './operations.js';
import { addHeadersMiddleware, currentCall } from './response-headers.js';

/** Accessors the wrapper calls on the instrumentation at each call. */
export interface WrapperContext {
  isEnabled(): boolean;
  tracer(): Tracer;
  commandClasses: CommandClasses;
}

/** `Client.prototype.send` of the AWS SDK's smithy client. */
export type SendMethod = (this: unknown, ...args: unknown[]) => unknown;

type Callback = (this: unknown, ...args: unknown[]) => unknown;

interface StartedCall {
  call: BedrockCall;
  context: Context;
}

/**
 * Wraps `send(command, options?, callback?)` of a Bedrock Runtime client.
 * For a Converse, ConverseStream, InvokeModel or
 * InvokeModelWithResponseStream command it starts a CLIENT span and runs
 * the original `send` with the span active. It returns what `send`
 * returns: the same promise, or undefined when a callback is given. A
 * callback is called through a wrapper, with the same arguments. Other
 * commands, and all commands while the instrumentation is disabled, go
 * straight to the original.
 */
export function wrapSend(
  original: SendMethod,
  wrapper: WrapperContext,
): SendMethod {
  return function send(this: unknown, ...args: unknown[]) {
    if (!wrapper.isEnabled()) {
      return original.apply(this, args);
    }

    const started = startCall(this, args[0], wrapper);
    if (!started) {
      return original.apply(this, args);
    }
    const callArgs = withObservedCallback(args, started.call);
    return runTraced(started, () => original.apply(this, callArgs));
  };
}

function startCall(
  client: unknown,
  command: unknown,
  wrapper: WrapperContext,
): StartedCall | undefined {
  let operation: Operation | undefined;
  try {
    operation = operationOf(command, wrapper.commandClasses);
    if (!operation) {
      return undefined;
    }

    const input = (command as { input?: unknown }).input;
    const request = isRecord(input) ? input : {};
    const attributes = requestAttributes(operation, request);
    const span = wrapper.tracer().startSpan(spanName(attributes), {
      kind: SpanKind.CLIENT,
      attributes,
    });
    addHeadersMiddleware(client);
    return {
      call: new BedrockCall(span, operation, request),
      context: trace.setSpan(context.active(), span),
    };
  } catch (error) {
    logFailure('Starting a Bedrock span', error);
    return undefined;
  }
}

/**
 * Replaces the callback of `send(command, callback)` or
 * `send(command, options, callback)` by one that records the outcome and
 * then calls the app's callback with the same `this` and arguments.
 * Returns the arguments unchanged when there is no callback.
 */
function withObservedCallback(args: unknown[], call: BedrockCall): unknown[] {
  const index = typeof args[1] === 'function' ? 1 : 2;
  const callback = args[index];
  if (typeof callback !== 'function') {
    return args;
  }

  const observed = function (this: unknown, ...results: unknown[]) {
    call.settle(results[0], results[1]);
    return (callback as Callback).apply(this, results);
  };
  const copy = [...args];
  copy[index] = observed;
  return copy;
}

/**
 * Runs `send` with the call's span active, so that spans of the HTTP
 * request nest under it, and with the call as the receiver of the response
 * headers. When activating the span fails before `send` runs, it runs
 * without it.
 */
function runTraced(started: StartedCall, run: () => unknown): unknown {
  let entered = false;
  try {
    return context.with(started.context, () => {
      entered = true;
      return currentCall.run(started.call, () => observeRun(started, run));
    });
  } catch (error) {
    if (entered) {
      throw error;
    }
    logFailure('Activating the Bedrock span', error);
    return observeRun(started, run);
  }
}

function observeRun(started: StartedCall, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    started.call.fail(error);
    throw error;
  }
  // With a callback, `send` returns undefined and the callback settles.
  if (result !== undefined) {
    started.call.observe(result);
  }
  return result;
}
