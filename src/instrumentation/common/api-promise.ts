import { logger, describeError } from '../../internal/diag.js';

/** What an instrumentation learns about one SDK call as it settles. */
export interface CallObserver {
  /**
   * The parsed response: a body object, or the SDK's stream object.
   * `props` is what the APIPromise parsed it from: in openai 5 to 7 and
   * @anthropic-ai/sdk 0.50 and later, the response with the request's
   * `options` and `controller`.
   */
  onParsed(value: unknown, props: unknown): void;
  /** The request failed; `error` is what the SDK rejects with. */
  onError(error: unknown): void;
  /**
   * The app took the raw HTTP response with `asResponse()` and never asked
   * for the parsed body, so no usage will be seen.
   */
  onUnparsed(): void;
}

/**
 * The parts of a Stainless `APIPromise` (openai v4 and later,
 * @anthropic-ai/sdk) that observation relies on. They are instance fields
 * and methods, so the promise object itself is kept and only its fields
 * are wrapped.
 */
interface ApiPromiseShape {
  responsePromise: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
  parse: (...args: unknown[]) => unknown;
  asResponse: (...args: unknown[]) => Promise<unknown>;
  _thenUnwrap?: (...args: unknown[]) => unknown;
}

/** Tells whether a value has the shape `observeApiPromise` can wrap. */
export function isApiPromise(value: unknown): value is ApiPromiseShape {
  const candidate = value as Partial<ApiPromiseShape> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.parseResponse === 'function' &&
    typeof candidate.parse === 'function' &&
    typeof candidate.asResponse === 'function' &&
    typeof candidate.responsePromise?.then === 'function'
  );
}

/**
 * Observes how an SDK call settles without changing what the app gets: the
 * same promise object is returned to the app, its body is parsed only when
 * the app asks for it, and every value and error passes through unchanged.
 * Observer callbacks that throw are logged and ignored.
 *
 * Returns false, observing nothing, when `promise` is not an APIPromise.
 */
export function observeApiPromise(
  promise: unknown,
  observer: CallObserver,
): boolean {
  if (!isApiPromise(promise)) {
    return false;
  }

  const settle = onceObserver(observer);
  let parseRequested = false;

  wrapResponsePromise(promise, settle);
  wrapParseResponse(promise, settle);
  wrapThenUnwrap(promise, settle);

  const parse = promise.parse;
  promise.parse = function (this: unknown, ...args: unknown[]) {
    parseRequested = true;
    return parse.apply(this, args);
  };

  const asResponse = promise.asResponse;
  promise.asResponse = function (this: unknown, ...args: unknown[]) {
    const response = asResponse.apply(this, args);
    if (!parseRequested) {
      response.then(
        () => !parseRequested && settle.onUnparsed(),
        () => undefined,
      );
    }
    return response;
  };

  return true;
}

function wrapResponsePromise(
  promise: ApiPromiseShape,
  observer: CallObserver,
): void {
  // The replacement rejects exactly when the original does, so an app that
  // never handles the call still sees an unhandled rejection. It is made
  // when the field is first read, because a replacement that nothing reads
  // would reject unhandled where the SDK's own promise is handled: openai 7
  // derives the promises of helpers such as `chat.completions.parse()` from
  // the request itself, without reading this field.
  let original = promise.responsePromise;
  let replacement: Promise<unknown> | undefined;
  Object.defineProperty(promise, 'responsePromise', {
    configurable: true,
    enumerable: true,
    get: () =>
      (replacement ??= original.then(undefined, (error) => {
        observer.onError(error);
        throw error;
      })),
    set: (value: Promise<unknown>) => {
      original = value;
      replacement = undefined;
    },
  });
}

/**
 * Observes the promises that `_thenUnwrap` derives from this one, which SDK
 * helpers such as openai's `chat.completions.parse()` return in its place.
 * In openai 7, `_thenUnwrap` is a closure over the request that reads none
 * of the fields wrapped here, so the derived promise is observed too. The
 * observer is the once-only one, so the call still settles once.
 */
function wrapThenUnwrap(
  promise: ApiPromiseShape,
  observer: CallObserver,
): void {
  const thenUnwrap = promise._thenUnwrap;
  if (typeof thenUnwrap !== 'function') {
    return;
  }
  promise._thenUnwrap = function (this: unknown, ...args: unknown[]) {
    const derived = thenUnwrap.apply(this, args);
    observeApiPromise(derived, observer);
    return derived;
  };
}

function wrapParseResponse(
  promise: ApiPromiseShape,
  observer: CallObserver,
): void {
  const parseResponse = promise.parseResponse;
  promise.parseResponse = function (this: unknown, ...args: unknown[]) {
    const parsed = Promise.resolve(parseResponse.apply(this, args));
    return parsed.then(
      (value) => {
        observer.onParsed(value, args.at(-1));
        return value;
      },
      (error: unknown) => {
        observer.onError(error);
        throw error;
      },
    );
  };
}

/** Calls at most one of the observer's callbacks, once, and never throws. */
function onceObserver(observer: CallObserver): CallObserver {
  let settled = false;
  const guard = (callback: () => void): void => {
    if (settled) {
      return;
    }
    settled = true;
    try {
      callback();
    } catch (error) {
      logger.error(`Instrumentation callback failed: ${describeError(error)}`);
    }
  };

  return {
    onParsed: (value, props) => guard(() => observer.onParsed(value, props)),
    onError: (error) => guard(() => observer.onError(error)),
    onUnparsed: () => guard(() => observer.onUnparsed()),
  };
}
