import { AsyncLocalStorage } from 'node:async_hooks';

import { logFailure } from '../common/log.js';

/** Receives the HTTP exchange of the call being sent. */
export interface HttpExchangeSink {
  onHttpResponse(request: unknown, headers: Record<string, unknown>): void;
}

/**
 * The call whose request a client is sending. `send` runs the SDK inside
 * `run`, and the middleware below, which the SDK runs inside the same
 * asynchronous context, hands the HTTP response back to it. Node's own
 * AsyncLocalStorage is used rather than the OpenTelemetry context, so that
 * this works without a registered context manager.
 */
export const currentCall = new AsyncLocalStorage<HttpExchangeSink>();

/** The name under which the middleware is added to a client's stack. */
export const MIDDLEWARE_NAME = 'tokenmeterBedrockResponseHeaders';

/** The parts of a smithy client's middleware stack used here. */
interface MiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

type Next = (args: unknown) => Promise<{ response?: unknown }>;

const clientsWithMiddleware = new WeakSet<object>();

/**
 * Adds, once per client, a deserialize-step middleware that hands the raw
 * response headers of each request, and the request itself, to the
 * call being sent. InvokeModel reports token counts in headers such as
 * `x-amzn-bedrock-input-token-count`, which its output object leaves out.
 * The middleware passes every result and error through unchanged and does
 * nothing for calls sent while the instrumentation is disabled.
 *
 * NOTE: a client created with `cacheMiddleware: true` that sent a command
 * before this ran keeps the handler it built then, without the middleware,
 * so its InvokeModel spans lack header counts.
 */
export function addHeadersMiddleware(client: unknown): void {
  if (typeof client !== 'object' || client === null) {
    return;
  }
  if (clientsWithMiddleware.has(client)) {
    return;
  }
  clientsWithMiddleware.add(client);

  const stack = (client as { middlewareStack?: MiddlewareStack })
    .middlewareStack;
  if (typeof stack?.add !== 'function') {
    return;
  }
  try {
    stack.add(headersMiddleware, {
      step: 'deserialize',
      name: MIDDLEWARE_NAME,
      override: true,
    });
  } catch (error) {
    logFailure('Adding the Bedrock response headers middleware', error);
  }
}

function headersMiddleware(next: Next) {
  return async (args: unknown) => {
    const result = await next(args);
    const call = currentCall.getStore();
    if (call) {
      try {
        const response = result?.response as { headers?: unknown } | undefined;
        const headers = response?.headers;
        call.onHttpResponse(
          (args as { request?: unknown } | undefined)?.request,
          typeof headers === 'object' && headers !== null
            ? (headers as Record<string, unknown>)
            : {},
        );
      } catch (error) {
        logFailure('Reading Bedrock response headers', error);
      }
    }
    return result;
  };
}
