// Collects the output texts of a Responses API response, only to estimate
// its tokens when it reports no usage. They are the text and refusals of
// messages, the names and arguments (or input) of function and custom tool
// calls, and reasoning summaries and reasoning text.
//
// NOTE: hidden reasoning, which reasoning models bill as output, appears in
// neither the body nor the stream, so their output is underestimated.

import { isRecord, readNumber, type UnknownRecord } from './values.js';

// Stream events whose `delta` is output text, as of openai 7.
const TEXT_DELTA_EVENTS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
]);

/**
 * The output texts of a Responses API event stream so far, rebuilt from
 * its delta events. Deltas are joined per output item and event type, so
 * that each text is counted whole.
 */
export class StreamedResponseOutput {
  private readonly texts = new Map<string, string[]>();

  /** Keeps the text of one stream event; other events are ignored. */
  add(event: UnknownRecord): void {
    const type = event.type;
    if (type === 'response.output_item.added' && isRecord(event.item)) {
      this.keep(`${outputIndex(event)} name`, event.item.name);
    } else if (typeof type === 'string' && TEXT_DELTA_EVENTS.has(type)) {
      this.keep(`${outputIndex(event)} ${type}`, event.delta);
    }
  }

  /** Joins the kept texts, one per output item and event type. */
  *outputTexts(): Iterable<string> {
    for (const parts of this.texts.values()) {
      yield parts.join('');
    }
  }

  private keep(key: string, text: unknown): void {
    if (typeof text !== 'string' || text === '') {
      return;
    }
    let parts = this.texts.get(key);
    if (parts === undefined) {
      parts = [];
      this.texts.set(key, parts);
    }
    parts.push(text);
  }
}

function outputIndex(event: UnknownRecord): number {
  return readNumber(event.output_index) ?? 0;
}

/** Reads the output texts of a Responses API `response` object. */
export function responseOutputTexts(response: UnknownRecord): string[] {
  const output = Array.isArray(response.output) ? response.output : [];
  return output
    .flatMap((item) => (isRecord(item) ? itemTexts(item) : []))
    .filter((text): text is string => typeof text === 'string');
}

function itemTexts(item: UnknownRecord): unknown[] {
  switch (item.type) {
    case 'message':
      return partTexts(item.content);
    case 'function_call':
      return [item.name, item.arguments];
    case 'custom_tool_call':
      return [item.name, item.input];
    case 'reasoning':
      return [...partTexts(item.summary), ...partTexts(item.content)];
    default:
      return [];
  }
}

/** Reads the `text` or `refusal` of each content or summary part. */
function partTexts(parts: unknown): unknown[] {
  if (!Array.isArray(parts)) {
    return [];
  }
  return parts.map((part) =>
    isRecord(part) ? (part.text ?? part.refusal) : undefined,
  );
}
