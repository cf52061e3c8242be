import { emptyParts, type CompletionParts } from './completion-sizes.js';

/** The kind of an output text: visible text, part of a tool call, or reasoning. */
export type OutputKind = 'text' | 'tool_calls' | 'reasoning';

/** The texts of one key, in stream order. */
interface KeptText {
  kind: OutputKind;
  parts: string[];
}

/**
 * The output texts of a stream so far, by key (a content block, a choice,
 * a tool call), so that each text is joined whole from its deltas. A key
 * stays of the kind it was first kept as, because a content block is of
 * one type.
 */
export class KeptTexts {
  private readonly texts = new Map<string, KeptText>();

  /** Adds a delta to the text of its key. Empty strings and other values are ignored. */
  keep(key: string, kind: OutputKind, text: unknown): void {
    if (typeof text !== 'string' || text === '') {
      return;
    }
    let entry = this.texts.get(key);
    if (entry === undefined) {
      entry = { kind, parts: [] };
      this.texts.set(key, entry);
    }
    entry.parts.push(text);
  }

  /** Joins the texts of every key, reasoning included. */
  *joined(): Iterable<string> {
    for (const entry of this.texts.values()) {
      yield entry.parts.join('');
    }
  }

  /** Joins the texts and tool calls, without reasoning. */
  completionParts(): CompletionParts {
    const parts = emptyParts();
    for (const entry of this.texts.values()) {
      if (entry.kind === 'text') {
        parts.text.push(entry.parts.join(''));
      } else if (entry.kind === 'tool_calls') {
        parts.toolCalls.push(entry.parts.join(''));
      }
    }
    return parts;
  }
}
