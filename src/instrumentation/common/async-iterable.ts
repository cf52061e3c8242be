import { describeError, logger } from '../../internal/diag.js';
import type { StreamEnd, StreamObserver } from './stream.js';

type IteratorMethod = (...args: unknown[]) => Promise<IteratorResult<unknown>>;

interface ObservableIterator {
  next: IteratorMethod;
  return?: IteratorMethod;
  throw?: IteratorMethod;
}

/**
 * Observes each item of an async iterator as the app reads it, in place.
 * The iterator keeps its identity and prototype. Only its own `next`,
 * `return` and `throw` are replaced, by wrappers that call the originals
 * and pass their results and errors through unchanged. `onEnd` is called
 * once, when the iterator finishes, fails or the app stops reading it.
 * Observer callbacks that throw are logged and ignored.
 *
 * Returns false, observing nothing, when `iterator` has no `next` method.
 */
export function observeAsyncIterator(
  iterator: unknown,
  observer: StreamObserver,
): boolean {
  if (!isObservableIterator(iterator)) {
    return false;
  }
  wrapIterator(iterator, onceObserver(observer));
  return true;
}

/**
 * Observes an async iterable, such as the event stream of an AWS SDK
 * response, in place: its own `[Symbol.asyncIterator]` is replaced by one
 * that observes each iterator it returns. Every iterator shares one
 * observer, so `onEnd` is still called once.
 *
 * Returns false, observing nothing, when `iterable` is not async iterable.
 */
export function observeAsyncIterable(
  iterable: unknown,
  observer: StreamObserver,
): boolean {
  if (!isAsyncIterable(iterable)) {
    return false;
  }

  const safe = onceObserver(observer);
  const iterate = iterable[Symbol.asyncIterator];
  Object.defineProperty(iterable, Symbol.asyncIterator, {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function (this: unknown, ...args: unknown[]) {
      const iterator: unknown = iterate.apply(this, args);
      if (isObservableIterator(iterator)) {
        wrapIterator(iterator, safe);
      }
      return iterator;
    },
  });
  return true;
}

function wrapIterator(iterator: ObservableIterator, observer: StreamObserver) {
  const next = iterator.next;
  iterator.next = async function (this: unknown, ...args: unknown[]) {
    let result: IteratorResult<unknown>;
    try {
      result = await next.apply(this, args);
    } catch (error) {
      observer.onEnd({ kind: 'error', error });
      throw error;
    }

    if (result.done === true) {
      observer.onEnd({ kind: 'done' });
    } else {
      observer.onItem(result.value);
    }
    return result;
  };

  const stop = iterator.return;
  if (stop) {
    iterator.return = async function (this: unknown, ...args: unknown[]) {
      try {
        return await stop.apply(this, args);
      } finally {
        observer.onEnd({ kind: 'stopped' });
      }
    };
  }

  const fail = iterator.throw;
  if (fail) {
    iterator.throw = async function (this: unknown, ...args: unknown[]) {
      try {
        return await fail.apply(this, args);
      } finally {
        observer.onEnd({ kind: 'error', error: args[0] });
      }
    };
  }
}

/** Delivers items until the first end, once, and logs what callbacks throw. */
function onceObserver(observer: StreamObserver): StreamObserver {
  let ended = false;
  const guard = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      logger.error(`Stream observer failed: ${describeError(error)}`);
    }
  };

  return {
    onItem(item: unknown) {
      if (!ended) {
        guard(() => observer.onItem(item));
      }
    },
    onEnd(end: StreamEnd) {
      if (!ended) {
        ended = true;
        guard(() => observer.onEnd(end));
      }
    },
  };
}

function isObservableIterator(value: unknown): value is ObservableIterator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function'
  );
}

function isAsyncIterable(
  value: unknown,
): value is { [Symbol.asyncIterator]: (...args: unknown[]) => unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[
      Symbol.asyncIterator
    ] === 'function'
  );
}
