import type { Attributes } from '@opentelemetry/api';

import { completionAttributes } from '../../breakdown/attributes.js';
import type { OutputComponent, Segment } from '../../breakdown/components.js';
import { lengthMeasure, measureCompletion } from '../../breakdown/measure.js';
import { breakdownMode } from './before-call.js';

/**
 * The visible output of a response, which its output tokens are shared
 * over: texts, and the names and arguments of tool calls. A tool call may
 * be given as several entries (its name, then its arguments), and an
 * argument object is sized as its JSON. Reasoning is left out, because
 * providers report its tokens.
 */
export interface CompletionParts {
  text: unknown[];
  toolCalls: unknown[];
}

/** Returns empty completion parts to fill. */
export function emptyParts(): CompletionParts {
  return { text: [], toolCalls: [] };
}

/**
 * Builds the `tokenmeter.completion.*` attributes of a response's parts,
 * sized in characters with tool call JSON weighted as in the prompt, or
 * none when the breakdown is off.
 */
export function completionSizeAttributes(parts: CompletionParts): Attributes {
  if (breakdownMode() === 'off') {
    return {};
  }
  return completionAttributes(measureParts(parts));
}

/**
 * The sizes of a streamed response, added up delta by delta so that no
 * text is kept. Lengths add up across deltas, so the totals equal the
 * sizes of the whole texts.
 */
export class CompletionSizes {
  private text = 0;
  private toolCalls = 0;

  /** Adds the sizes of some more output. */
  add(parts: CompletionParts): void {
    for (const segment of measureParts(parts)) {
      if (segment.component === 'text') {
        this.text += segment.size;
      } else if (segment.component === 'tool_calls') {
        this.toolCalls += segment.size;
      }
    }
  }

  /** Adds a piece of text, such as a stream's text delta. */
  addText(text: unknown): void {
    this.add({ text: [text], toolCalls: [] });
  }

  /** Adds a piece of a tool call: its name, or a delta of its arguments. */
  addToolCall(piece: unknown): void {
    this.add({ text: [], toolCalls: [piece] });
  }

  /** Builds the `tokenmeter.completion.*` attributes of the sizes so far. */
  attributes(): Attributes {
    if (breakdownMode() === 'off') {
      return {};
    }
    const segments: Segment<OutputComponent>[] = [
      { component: 'text', size: this.text },
      { component: 'tool_calls', size: this.toolCalls },
    ];
    return completionAttributes(segments.filter((each) => each.size > 0));
  }
}

/**
 * Sizes the parts. Texts that are not strings, and tool call entries that
 * are absent or empty strings, have no size.
 */
function measureParts(parts: CompletionParts): Segment<OutputComponent>[] {
  return measureCompletion(
    {
      text: parts.text.filter((text) => typeof text === 'string'),
      toolCalls: parts.toolCalls.filter(
        (piece) => piece !== undefined && piece !== null && piece !== '',
      ),
    },
    lengthMeasure(),
  );
}
