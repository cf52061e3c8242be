/**
 * The marker of retrieved context. A symbol-keyed property is never
 * serialized by `JSON.stringify`, so a marked message or content part is
 * sent to the provider exactly as it was. `Symbol.for` keeps the marker
 * shared between the ESM and CommonJS builds.
 */
const CONTEXT_MARKER = Symbol.for('tokenmeter.context');

/**
 * Marks a message or a content part as retrieved context (documents found
 * for a RAG prompt, say), so that its tokens are attributed to the
 * `context` component. Returns the same object, unchanged but for a
 * marker that is never sent.
 *
 * ```js
 * messages.push(markContext({ role: 'user', content: documents }));
 * ```
 */
export function markContext<T extends object>(value: T): T {
  try {
    Object.defineProperty(value, CONTEXT_MARKER, {
      value: true,
      enumerable: false,
      configurable: true,
    });
  } catch {
    // A frozen object cannot be marked; its tokens stay with its message.
  }
  return value;
}

/** Tells whether a message or content part was marked as context. */
export function isMarkedContext(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[CONTEXT_MARKER] === true
  );
}

/**
 * Splits a text into the length of the context texts it contains and the
 * length of the rest, so that a template such as "Answer from: {documents}"
 * attributes the documents to context and the template to its message.
 * Each context text is counted once per text it appears in.
 */
export function contextLength(
  text: string,
  contextTexts: readonly string[],
): number {
  let length = 0;
  for (const context of contextTexts) {
    if (context.length > 0 && text.includes(context)) {
      length += context.length;
    }
  }
  return Math.min(length, text.length);
}
