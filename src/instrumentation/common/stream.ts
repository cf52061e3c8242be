import { logger, describeError } from '../../internal/diag.js';

/** How an observed stream finished. */
export type StreamEnd =
  /** The SDK reported the end of the stream. */
  | { kind: 'done' }
  /** The app stopped reading early, or aborted the request. */
  | { kind: 'stopped' }
  /** Reading the stream failed. */
  | { kind: 'error'; error: unknown };

/** What an instrumentation learns about a stream as the app reads it. */
export interface StreamObserver {
  onItem(item: unknown): void;
  onEnd(end: StreamEnd): void;
}

/**
 * The part of a Stainless `Stream` (openai v4 and later,
 * @anthropic-ai/sdk) that observation relies on: `iterator` is the instance
 * field that `[Symbol.asyncIterator]()`, `tee()` and `toReadableStream()`
 * all read from.
 */
interface StreamShape {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: AbortController;
}

/** Tells whether a value has the shape `observeStream` can wrap. */
export function isSdkStream(value: unknown): value is StreamShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<StreamShape>).iterator === 'function'
  );
}

/**
 * Observes each item of an SDK stream as the app reads it, keeping the
 * stream object, its single-use rule, `tee()`, `toReadableStream()` and
 * abort behaviour as they are. `onEnd` is called once, when the stream
 * finishes, fails or the app stops reading it. Observer callbacks that
 * throw are logged and ignored.
 *
 * Returns false, observing nothing, when `stream` is not an SDK stream.
 */
export function observeStream(
  stream: unknown,
  observer: StreamObserver,
): boolean {
  if (!isSdkStream(stream)) {
    return false;
  }

  const safe = safeObserver(observer);
  const iterator = stream.iterator;
  stream.iterator = function (this: unknown, ...args: unknown[]) {
    const controller = (this as StreamShape | undefined)?.controller;
    return observeIterator(iterator.apply(this, args), safe, controller);
  };
  return true;
}

function observeIterator(
  inner: AsyncIterator<unknown>,
  observer: StreamObserver,
  controller: AbortController | undefined,
): AsyncIterableIterator<unknown> {
  // `next` chains on the inner promise instead of awaiting it, which
  // saves a promise and a microtask per item.
  const onResult = (result: IteratorResult<unknown>) => {
    if (result.done) {
      // An aborted SDK stream ends quietly, as if the provider had.
      const aborted = controller?.signal.aborted === true;
      observer.onEnd({ kind: aborted ? 'stopped' : 'done' });
    } else {
      observer.onItem(result.value);
    }
    return result;
  };
  const onError = (error: unknown): never => {
    observer.onEnd({ kind: 'error', error });
    throw error;
  };

  const observed: AsyncIterableIterator<unknown> = {
    next(...args: [] | [unknown]) {
      let pending: Promise<IteratorResult<unknown>>;
      try {
        pending = Promise.resolve(inner.next(...args));
      } catch (error) {
        observer.onEnd({ kind: 'error', error });
        // The SDK's error reaches the app as it was thrown.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
      return pending.then(onResult, onError);
    },
    async return(value?: unknown) {
      try {
        return inner.return
          ? await inner.return(value)
          : { done: true, value: value };
      } finally {
        observer.onEnd({ kind: 'stopped' });
      }
    },
    [Symbol.asyncIterator]() {
      return observed;
    },
  };

  if (inner.throw) {
    const innerThrow = inner.throw.bind(inner);
    observed.throw = async (error?: unknown) => {
      try {
        return await innerThrow(error);
      } finally {
        observer.onEnd({ kind: 'error', error });
      }
    };
  }
  return observed;
}

/** Delivers items until the first end, once, and never throws. */
function safeObserver(observer: StreamObserver): StreamObserver {
  let ended = false;
  const report = (error: unknown): void => {
    logger.error(`Stream observer failed: ${describeError(error)}`);
  };

  return {
    onItem(item) {
      if (ended) {
        return;
      }
      try {
        observer.onItem(item);
      } catch (error) {
        report(error);
      }
    },
    onEnd(end) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        observer.onEnd(end);
      } catch (error) {
        report(error);
      }
    },
  };
}
