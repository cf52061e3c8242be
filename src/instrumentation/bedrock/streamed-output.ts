import { isRecord, type UnknownRecord } from '../common/attributes.js';

/**
 * The output texts of a Bedrock stream so far, kept only to estimate its
 * tokens when the stream ends before Bedrock reports them. Texts are
 * joined per content block or choice, so that each is counted whole:
 *
 * - ConverseStream events, and the same events in the chunks of an Amazon
 *   Nova InvokeModel stream: the text, tool use input and reasoning text
 *   of `contentBlockDelta`, and the tool name of `contentBlockStart`;
 * - Anthropic chunks: the text, thinking and `partial_json` of
 *   `content_block_delta`, and the text and tool name of
 *   `content_block_start`;
 * - the other InvokeModel formats: Titan `outputText`, Llama
 *   `generation`, Cohere `text`, and the text or delta content of each of
 *   `outputs`, `choices` and `generations`.
 */
export class StreamedOutput {
  private readonly texts = new Map<string, string[]>();

  /** Keeps the text of a ConverseStream event or an InvokeModel chunk. */
  add(event: UnknownRecord): void {
    this.addConverseEvent(event);
    this.addAnthropicEvent(event);
    for (const name of ['outputText', 'generation', 'text', 'completion']) {
      this.keep(name, event[name]);
    }
    for (const name of ['outputs', 'choices', 'generations']) {
      this.addChoices(name, event[name]);
    }
  }

  /** Joins the kept texts, one per content block or choice. */
  *outputTexts(): Iterable<string> {
    for (const parts of this.texts.values()) {
      yield parts.join('');
    }
  }

  private addConverseEvent(event: UnknownRecord): void {
    const start = record(event.contentBlockStart);
    const delta = record(event.contentBlockDelta);
    this.keep(
      `block ${String(start.contentBlockIndex)} name`,
      record(record(start.start).toolUse).name,
    );

    const key = `block ${String(delta.contentBlockIndex)}`;
    const content = record(delta.delta);
    this.keep(key, content.text);
    this.keep(key, record(content.toolUse).input);
    this.keep(key, record(content.reasoningContent).text);
  }

  private addAnthropicEvent(event: UnknownRecord): void {
    const key = `content ${String(event.index)}`;
    if (event.type === 'content_block_start') {
      const block = record(event.content_block);
      this.keep(key, block.text);
      this.keep(`${key} name`, block.name);
    } else if (event.type === 'content_block_delta') {
      const delta = record(event.delta);
      this.keep(key, delta.text ?? delta.thinking ?? delta.partial_json);
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
      this.keep(`${name} ${index}`, fields.text ?? message.content);
    });
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

function record(value: unknown): UnknownRecord {
  return isRecord(value) ? value : {};
}
