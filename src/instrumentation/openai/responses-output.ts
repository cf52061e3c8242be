// Collects the output texts of a Responses API response, to size its
// messages and tool calls for the cost breakdown and, when it reports no
// usage, to estimate its tokens. They are the text and refusals of
// messages, the names and arguments (or input) of function and custom tool
// calls, and reasoning summaries and reasoning text, which are not sized.
//
// NOTE: hidden reasoning, which reasoning models bill as output, appears in
// neither the body nor the stream, so their output is underestimated.

import {
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import { KeptTexts, type OutputKind } from '../common/kept-texts.js';
import { isRecord, readNumber, type UnknownRecord } from './values.js';

// Stream events whose `delta` is output text, as of openai 7, by kind.
const TEXT_DELTA_EVENTS = new Map<string, OutputKind>([
  ['response.output_text.delta', 'text'],
  ['response.refusal.delta', 'text'],
  ['response.function_call_arguments.delta', 'tool_calls'],
  ['response.custom_tool_call_input.delta', 'tool_calls'],
  ['response.reasoning_summary_text.delta', 'reasoning'],
  ['response.reasoning_text.delta', 'reasoning'],
]);

/**
 * The output texts of a Responses API event stream so far, rebuilt from
 * its delta events. Deltas are joined per output item and event type, so
 * that each text is counted whole.
 */
export class StreamedResponseOutput {
  private readonly texts = new KeptTexts();

  /** Keeps the text of one stream event; other events are ignored. */
  add(event: UnknownRecord): void {
    const type = event.type;
    if (type === 'response.output_item.added' && isRecord(event.item)) {
      this.texts.keep(
        `${outputIndex(event)} name`,
        'tool_calls',
        event.item.name,
      );
      return;
    }
    const kind = typeof type === 'string' && TEXT_DELTA_EVENTS.get(type);
    if (kind) {
      this.texts.keep(
        `${outputIndex(event)} ${String(type)}`,
        kind,
        event.delta,
      );
    }
  }

  /** Joins the kept texts, one per output item and event type. */
  outputTexts(): Iterable<string> {
    return this.texts.joined();
  }

  /** Joins the kept texts of messages and tool calls, without reasoning. */
  outputParts(): CompletionParts {
    return this.texts.completionParts();
  }
}

function outputIndex(event: UnknownRecord): number {
  return readNumber(event.output_index) ?? 0;
}

/** The output of a Responses API response: its visible parts and reasoning. */
export interface ResponseOutput extends CompletionParts {
  reasoning: unknown[];
}

/**
 * Reads the output of a Responses API `response` object: the text and
 * refusals of messages, the names and arguments (or input) of function and
 * custom tool calls, and reasoning summaries and reasoning text.
 */
export function responseOutput(response: UnknownRecord): ResponseOutput {
  const output: ResponseOutput = { ...emptyParts(), reasoning: [] };
  const items = Array.isArray(response.output) ? response.output : [];
  for (const item of items) {
    if (isRecord(item)) {
      addItem(output, item);
    }
  }
  return output;
}

/** Lists the output's texts, reasoning included, for the usage estimate. */
export function responseOutputTexts(output: ResponseOutput): string[] {
  return [...output.text, ...output.toolCalls, ...output.reasoning].filter(
    (text): text is string => typeof text === 'string',
  );
}

function addItem(output: ResponseOutput, item: UnknownRecord): void {
  switch (item.type) {
    case 'message':
      output.text.push(...partTexts(item.content));
      break;
    case 'function_call':
      output.toolCalls.push(item.name, item.arguments);
      break;
    case 'custom_tool_call':
      output.toolCalls.push(item.name, item.input);
      break;
    case 'reasoning':
      output.reasoning.push(
        ...partTexts(item.summary),
        ...partTexts(item.content),
      );
      break;
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
