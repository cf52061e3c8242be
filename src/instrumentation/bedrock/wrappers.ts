import {
  context,
  SpanKind,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

import { isRecord, type UnknownRecord } from '../common/attributes.js';
import type { PreparedCall } from '../common/before-call.js';
import { logFailure } from '../common/log.js';
import { recordCallError } from '../common/span.js';
import { requestAttributes, spanName } from './attributes.js';
import { BedrockCall } from './call.js';
import {
  operationOf,
  type CommandClasses,
  type Operation,
} from './operations.js';
import { prepareBedrockCall, withInput } from './prepare.js';
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
 * InvokeModelWithResponseStream command, it sizes the prompt and checks the
 * call's budget, then starts a CLIENT span and runs the original `send`
 * with the span active. A clamped call sends a copy of the command.
 *
 * It returns what `send` returns: the same promise, or undefined when a
 * callback is given, which is called through a wrapper with the same
 * arguments. A call that a budget blocks is not sent. Other commands, and
 * all commands while the instrumentation is disabled, go straight to the
 * original.
 */
export function wrapSend(
  original: SendMethod,
  wrapper: WrapperContext,
): SendMethod {
  return function send(this: unknown, ...args: unknown[]) {
    if (!wrapper.isEnabled()) {
      return original.apply(this, args);
    }

    const request = readRequest(args[0], wrapper);
    if (!request) {
      return original.apply(this, args);
    }
    const prepared = prepareBedrockCall(request.operation, request.input);
    if (prepared?.blocked) {
      return blockCall(request, prepared, wrapper, args);
    }

    const sent = sentRequest(request, prepared);
    const sentArgs = sent === request ? args : [sent.command, ...args.slice(1)];
    const started = startCall(this, sent, wrapper, prepared);
    if (!started) {
      return original.apply(this, sentArgs);
    }
    const callArgs = withObservedCallback(sentArgs, started.call);
    return runTraced(started, () => original.apply(this, callArgs));
  };
}

/** A traced command about to be sent. */
interface CommandRequest {
  command: object;
  operation: Operation;
  input: UnknownRecord;
}

/** Reads a traced command, or returns undefined for other commands. */
function readRequest(
  command: unknown,
  wrapper: WrapperContext,
): CommandRequest | undefined {
  try {
    const operation = operationOf(command, wrapper.commandClasses);
    if (!operation) {
      return undefined;
    }
    const input = (command as { input?: unknown }).input;
    return {
      command: command as object,
      operation,
      input: isRecord(input) ? input : {},
    };
  } catch (error) {
    logFailure('Reading a Bedrock command', error);
    return undefined;
  }
}

/** Returns the request to send: the app's, or a copy with the clamped input. */
function sentRequest(
  request: CommandRequest,
  prepared: PreparedCall | undefined,
): CommandRequest {
  if (!prepared || prepared.params === request.input) {
    return request;
  }
  try {
    const command = withInput(request.command, prepared.params);
    return { ...request, command, input: prepared.params };
  } catch (error) {
    logFailure('Clamping a Bedrock command', error);
    return request;
  }
}

function startCall(
  client: unknown,
  request: CommandRequest,
  wrapper: WrapperContext,
  prepared: PreparedCall | undefined,
): StartedCall | undefined {
  try {
    const span = startSpan(request, wrapper, prepared);
    addHeadersMiddleware(client);
    return {
      call: new BedrockCall(span, request.operation, request.input),
      context: trace.setSpan(context.active(), span),
    };
  } catch (error) {
    logFailure('Starting a Bedrock span', error);
    return undefined;
  }
}

/**
 * Starts the span of a call with the attributes of the request as sent,
 * and the prompt breakdown and budget outcome.
 */
function startSpan(
  request: CommandRequest,
  wrapper: WrapperContext,
  prepared: PreparedCall | undefined,
): Span {
  const attributes = {
    ...requestAttributes(request.operation, request.input),
    ...prepared?.attributes,
  };
  const span = wrapper.tracer().startSpan(spanName(attributes), {
    kind: SpanKind.CLIENT,
    attributes,
  });
  for (const event of prepared?.events ?? []) {
    span.addEvent(event.name, event.attributes);
  }
  return span;
}

/**
 * Rejects a call that a budget blocks: it is not sent, and its span
 * records the budget error. The app gets the error as `send` delivers a
 * failure: a rejected promise, or a later call of its callback. An error
 * that the callback throws is dropped, as the SDK's own `send` drops it.
 */
function blockCall(
  request: CommandRequest,
  prepared: PreparedCall,
  wrapper: WrapperContext,
  args: unknown[],
): Promise<never> | undefined {
  const error = prepared.blocked!;
  try {
    const span = startSpan(request, wrapper, prepared);
    recordCallError(span, error);
    span.end();
  } catch (failure) {
    logFailure('Recording a blocked Bedrock call', failure);
  }

  const callback = args[callbackIndex(args)];
  if (typeof callback !== 'function') {
    return Promise.reject(error);
  }
  void Promise.reject(error)
    .catch((rejection: unknown) => (callback as Callback)(rejection))
    .catch(() => undefined);
  return undefined;
}

/** The index of the callback of `send(command, options?, callback?)`. */
function callbackIndex(args: unknown[]): number {
  return typeof args[1] === 'function' ? 1 : 2;
}

/**
 * Replaces the callback of `send(command, callback)` or
 * `send(command, options, callback)` by one that records the outcome and
 * then calls the app's callback with the same `this` and arguments.
 * Returns the arguments unchanged when there is no callback.
 */
function withObservedCallback(args: unknown[], call: BedrockCall): unknown[] {
  const index = callbackIndex(args);
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
