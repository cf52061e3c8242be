import { CompletionSizes } from '../common/completion-sizes.js';
import { isAnthropicToolUse } from '../common/message-parts.js';
import {
  readResponseDetails,
  stringOrUndefined,
  type ResponseDetails,
} from './attributes.js';
import type { StoppedOutput } from './estimate.js';
import {
  mergeReportedUsage,
  readReportedUsage,
  type ReportedUsage,
} from './usage.js';

type Fields = Record<string, unknown>;

/**
 * The parts of a streamed Message that the span records, rebuilt from the
 * stream's events as the app reads them. They are the response details,
 * the usage and the sizes of its text and tool calls, and the streamed
 * text for estimating the output of a stream that stops early.
 */
export class StreamedMessage {
  details: ResponseDetails = {};
  /** Sizes of the text and tool calls streamed so far, without thinking. */
  readonly sizes = new CompletionSizes();
  /** `message_start` usage, merged with `message_delta` usage once seen. */
  usage: ReportedUsage = {};
  /** Set by `message_start`, which carries the input counts. */
  started = false;
  /** Set by `message_delta`, which carries the final output count. */
  finalUsageSeen = false;

  private readonly keepText: boolean;
  private chunks: string[] = [];

  /** `keepText` keeps the streamed text until the final usage arrives. */
  constructor(keepText: boolean) {
    this.keepText = keepText;
  }

  /** Records one stream event; events of unknown types are ignored. */
  add(event: unknown): void {
    if (typeof event !== 'object' || event === null) {
      return;
    }

    const fields = event as Fields;
    switch (fields.type) {
      case 'message_start':
        this.start(fields.message);
        break;
      case 'content_block_start':
        this.startBlock(fields.content_block);
        break;
      case 'content_block_delta':
        this.addDelta(fields.delta);
        break;
      case 'message_delta':
        this.finish(fields);
        break;
    }
  }

  /** Joins the text, thinking and tool input kept so far. */
  streamedText(): string {
    return this.chunks.join('');
  }

  /**
   * Tells whether the stream stopped after `message_start`, which reports
   * the input counts, and before `message_delta`, which reports the final
   * output count, so that its output has to be estimated.
   */
  get stoppedEarly(): boolean {
    return this.started && !this.finalUsageSeen;
  }

  /** Returns the output known so far; `model` is the requested model. */
  stoppedOutput(model: string | undefined): StoppedOutput {
    const lastReported = this.usage.output;
    return {
      model: this.details.model ?? model,
      text: this.streamedText(),
      lastReported: typeof lastReported === 'number' ? lastReported : undefined,
    };
  }

  private start(message: unknown): void {
    this.started = true;
    this.details = readResponseDetails(message);
    this.usage = readReportedUsage((message as Fields | undefined)?.usage);
  }

  private startBlock(block: unknown): void {
    if (typeof block !== 'object' || block === null) {
      return;
    }

    const fields = block as Fields;
    // A fallback block (a beta feature of @anthropic-ai/sdk 1.x) names the
    // model that produces the rest of the Message.
    if (fields.type === 'fallback') {
      const to = fields.to as Fields | undefined;
      this.details.model = stringOrUndefined(to?.model) ?? this.details.model;
    }
    this.keep(stringOrUndefined(fields.text));
    if (fields.type === 'text') {
      this.sizes.addText(fields.text);
    } else if (isAnthropicToolUse(fields)) {
      // The input starts empty and streams as `input_json_delta` events.
      this.sizes.addToolCall(fields.name);
    }
  }

  private addDelta(delta: unknown): void {
    this.keep(deltaText(delta));
    const fields = (delta ?? {}) as Fields;
    if (fields.type === 'text_delta') {
      this.sizes.addText(fields.text);
    } else if (fields.type === 'input_json_delta') {
      this.sizes.addToolCall(fields.partial_json);
    }
  }

  private finish(event: Fields): void {
    this.finalUsageSeen = true;
    this.chunks = [];
    this.usage = mergeReportedUsage(this.usage, readReportedUsage(event.usage));
    const delta = event.delta as Fields | undefined;
    this.details.stopReason =
      stringOrUndefined(delta?.stop_reason) ?? this.details.stopReason;
  }

  private keep(text: string | undefined): void {
    if (this.keepText && !this.finalUsageSeen && text) {
      this.chunks.push(text);
    }
  }
}

/** Reads the text, thinking or tool input of a `content_block_delta`. */
function deltaText(delta: unknown): string | undefined {
  if (typeof delta !== 'object' || delta === null) {
    return undefined;
  }

  const fields = delta as Fields;
  switch (fields.type) {
    case 'text_delta':
      return stringOrUndefined(fields.text);
    case 'thinking_delta':
      return stringOrUndefined(fields.thinking);
    case 'input_json_delta':
      return stringOrUndefined(fields.partial_json);
    default:
      return undefined;
  }
}
