import { isRecord, type UnknownRecord } from '../common/attributes.js';
import type { CompletionParts } from '../common/completion-sizes.js';
import { KeptTexts } from '../common/kept-texts.js';

/**
 * The output texts of a Bedrock stream so far, kept to size its text and
 * tool calls and to estimate its tokens when the stream ends before
 * Bedrock reports them. Texts are joined per content block, choice or
 * tool call, so that each is counted whole:
 *
 * - ConverseStream events, and the same events in the chunks of an Amazon
 *   Nova InvokeModel stream: the text, tool use input and reasoning text
 *   of `contentBlockDelta`, and the tool name of `contentBlockStart`;
 * - Anthropic chunks: the text, thinking and `partial_json` of
 *   `content_block_delta`, and the text and tool name of
 *   `content_block_start`;
 * - the other InvokeModel formats: Titan `outputText`, Llama
 *   `generation`, Cohere `text`, the text or delta content of each of
 *   `outputs`, `choices` and `generations`, and the tool calls of
 *   OpenAI-style choices.
 */
export class StreamedOutput {
  private readonly texts = new KeptTexts();

  /** Keeps the text of a ConverseStream event or an InvokeModel chunk. */
  add(event: UnknownRecord): void {
    this.addConverseEvent(event);
    this.addAnthropicEvent(event);
    for (const name of ['outputText', 'generation', 'text', 'completion']) {
      this.texts.keep(name, 'text', event[name]);
    }
    for (const name of ['outputs', 'choices', 'generations']) {
      this.addChoices(name, event[name]);
    }
  }

  /** Joins the kept texts, one per content block, choice or tool call. */
  outputTexts(): Iterable<string> {
    return this.texts.joined();
  }

  /** Joins the kept texts and tool calls, without reasoning. */
  outputParts(): CompletionParts {
    return this.texts.completionParts();
  }

  private addConverseEvent(event: UnknownRecord): void {
    const start = record(event.contentBlockStart);
    const delta = record(event.contentBlockDelta);
    this.texts.keep(
      `block ${String(start.contentBlockIndex)} name`,
      'tool_calls',
      record(record(start.start).toolUse).name,
    );

    const key = `block ${String(delta.contentBlockIndex)}`;
    const content = record(delta.delta);
    this.texts.keep(key, 'text', content.text);
    this.texts.keep(key, 'tool_calls', record(content.toolUse).input);
    this.texts.keep(key, 'reasoning', record(content.reasoningContent).text);
  }

  private addAnthropicEvent(event: UnknownRecord): void {
    const key = `content ${String(event.index)}`;
    if (event.type === 'content_block_start') {
      const block = record(event.content_block);
      this.texts.keep(key, 'text', block.text);
      this.texts.keep(`${key} name`, 'tool_calls', block.name);
    } else if (event.type === 'content_block_delta') {
      const delta = record(event.delta);
      this.texts.keep(key, 'text', delta.text);
      this.texts.keep(key, 'reasoning', delta.thinking);
      this.texts.keep(key, 'tool_calls', delta.partial_json);
    }
  }

  private addChoices(name: string, choices: unknown): void {
    if (!Array.isArray(choices)) {
      return;
    }
    choices.forEach((choice: unknown, position) => {
      const fields = record(choice);
      const index = typeof fields.index === 'number' ? fields.index : position;
      const message = record(fields.delta ?? fields.message);
      this.texts.keep(
        `${name} ${index}`,
        'text',
        fields.text ?? message.content,
      );
      this.addToolCallDeltas(`${name} ${index}`, message.tool_calls);
    });
  }

  /** Keeps the name and arguments of OpenAI-style tool call deltas. */
  private addToolCallDeltas(key: string, calls: unknown): void {
    if (!Array.isArray(calls)) {
      return;
    }
    calls.forEach((call: unknown, position) => {
      const fields = record(call);
      const index = typeof fields.index === 'number' ? fields.index : position;
      const callee = record(fields.function);
      this.texts.keep(`${key} tool ${index} name`, 'tool_calls', callee.name);
      this.texts.keep(`${key} tool ${index}`, 'tool_calls', callee.arguments);
    });
  }
}

function record(value: unknown): UnknownRecord {
  return isRecord(value) ? value : {};
}
