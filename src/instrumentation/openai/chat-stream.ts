import type { Span } from '@opentelemetry/api';

import {
  completionSizeAttributes,
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import { setUsageAttributes } from '../common/span.js';
import type { StreamAccumulator } from './internal-types.js';
import { setResponseAttributes } from './response-attributes.js';
import type { UsageEstimator } from './usage-estimate.js';
import { readChatUsage } from './usage.js';
import {
  isRecord,
  readNumber,
  readString,
  type UnknownRecord,
} from './values.js';

/**
 * The output of one choice so far, kept to size the response's text and
 * tool calls and, without reported usage, to estimate its tokens.
 */
interface ChoiceOutput {
  content: string[];
  /** The tool calls of the choice, by call index. */
  toolCalls: Map<number, ToolCallOutput>;
}

interface ToolCallOutput {
  name: string[];
  arguments: string[];
}

/**
 * Gathers the response fields of a chat completion stream from its chunks.
 * When the stream ends without reported usage (the request did not set
 * `stream_options.include_usage`, or the stream stopped before the last
 * chunk), the usage is estimated from the prompt and the streamed text.
 * The sizes of the streamed text and tool calls are written either way.
 */
export class ChatStreamAccumulator implements StreamAccumulator {
  private id: unknown;
  private model: unknown;
  private serviceTier: unknown;
  private usage: unknown;
  private readonly finishReasons = new Map<number, string>();
  private readonly outputs = new Map<number, ChoiceOutput>();

  constructor(private readonly estimator: UsageEstimator) {}

  add(chunk: unknown): void {
    if (!isRecord(chunk)) {
      return;
    }

    // Azure OpenAI streams begin with a chunk of content filter results
    // whose id and model are empty strings, so the first non-empty ones
    // are kept.
    this.id ??= readString(chunk.id);
    this.model ??= readString(chunk.model);
    this.serviceTier = chunk.service_tier ?? this.serviceTier;
    if (isRecord(chunk.usage)) {
      this.usage = chunk.usage;
    }
    if (Array.isArray(chunk.choices)) {
      chunk.choices.forEach((choice) => this.addChoice(choice));
    }
  }

  finish(span: Span): Promise<void> | undefined {
    setResponseAttributes(span, {
      id: this.id,
      model: this.model,
      serviceTier: this.serviceTier,
      finishReasons: [...this.finishReasons.entries()]
        .sort(([left], [right]) => left - right)
        .map(([, reason]) => reason),
    });

    const parts = this.outputParts();
    span.setAttributes(completionSizeAttributes(parts));

    const usage = readChatUsage(this.usage);
    if (usage !== undefined) {
      setUsageAttributes(span, usage);
      return undefined;
    }
    const texts = [...parts.text, ...parts.toolCalls] as string[];
    return this.estimator.estimate(texts, (estimate) =>
      setUsageAttributes(span, estimate),
    );
  }

  private addChoice(choice: unknown): void {
    if (!isRecord(choice)) {
      return;
    }

    const index = readNumber(choice.index) ?? 0;
    const reason = readString(choice.finish_reason);
    if (reason !== undefined) {
      this.finishReasons.set(index, reason);
    }
    if (isRecord(choice.delta)) {
      this.addDelta(this.output(index), choice.delta);
    }
  }

  private addDelta(output: ChoiceOutput, delta: UnknownRecord): void {
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text === 'string') {
        output.content.push(text);
      }
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        if (isRecord(call)) {
          addToolCallDelta(output, readNumber(call.index) ?? 0, call.function);
        }
      }
    }
    // The deprecated `function_call` streams like a tool call of its own.
    addToolCallDelta(output, -1, delta.function_call);
  }

  private output(index: number): ChoiceOutput {
    let output = this.outputs.get(index);
    if (output === undefined) {
      output = { content: [], toolCalls: new Map() };
      this.outputs.set(index, output);
    }
    return output;
  }

  /** Joins the streamed content and tool calls of each choice. */
  private outputParts(): CompletionParts {
    const parts = emptyParts();
    for (const output of this.outputs.values()) {
      parts.text.push(output.content.join(''));
      for (const call of output.toolCalls.values()) {
        parts.toolCalls.push(call.name.join(''), call.arguments.join(''));
      }
    }
    return parts;
  }
}

function addToolCallDelta(
  output: ChoiceOutput,
  index: number,
  callee: unknown,
): void {
  if (!isRecord(callee)) {
    return;
  }
  let call = output.toolCalls.get(index);
  if (call === undefined) {
    call = { name: [], arguments: [] };
    output.toolCalls.set(index, call);
  }
  if (typeof callee.name === 'string') {
    call.name.push(callee.name);
  }
  if (typeof callee.arguments === 'string') {
    call.arguments.push(callee.arguments);
  }
}
