// Converts a Bedrock request to a shape that `measurePrompt` reads, so that
// its prompt is sized by the same rules as the other providers'.
//
// Converse, Amazon Nova, Anthropic, OpenAI-style and Mistral chat requests
// share the Anthropic Messages shape once the Converse blocks are
// converted: a `toolUse` block becomes a `tool_use` block (history) and a
// `toolResult` block a `tool_result` block, and `toolConfig.tools` are the
// tool definitions. Text blocks are kept as they are, so that blocks marked
// as context keep their mark. Cohere Command R's `preamble`, `chat_history`
// and `message` become a system prompt and messages, and its `documents`
// retrieved context. A bare prompt (Llama, Mistral, DeepSeek `prompt`,
// Titan `inputText`) is one user message, so its model template, system
// prompt and earlier turns all count as user input. Images, documents and
// video have no size, as in the other providers' prompts.

import { isMarkedContext, markContext } from '../../breakdown/context.js';
import { isRecord, type UnknownRecord } from '../common/attributes.js';

/**
 * Converts the input of a Converse or ConverseStream command, or the parsed
 * body of an InvokeModel request.
 */
export function bedrockPrompt(request: UnknownRecord): UnknownRecord {
  const prompt = request.prompt ?? request.inputText;
  if (typeof prompt === 'string') {
    return { messages: [{ role: 'user', content: prompt }] };
  }
  if (typeof request.message === 'string') {
    return coherePrompt(request);
  }

  const toolConfig = isRecord(request.toolConfig) ? request.toolConfig : {};
  return {
    tools: toolConfig.tools ?? request.tools,
    system: blocksOf(request.system),
    messages: listOf(request.messages).map((message) =>
      keepMark(message, {
        role: message.role,
        content: blocksOf(message.content),
      }),
    ),
  };
}

/** Converts the Converse blocks of a content list, and keeps other content. */
function blocksOf(content: unknown): unknown {
  return Array.isArray(content) ? content.map(toBlock) : content;
}

function toBlock(block: unknown): unknown {
  if (!isRecord(block)) {
    return block;
  }
  if (isRecord(block.toolUse)) {
    const use = block.toolUse;
    return keepMark(block, {
      type: 'tool_use',
      name: use.name,
      input: use.input,
    });
  }
  if (isRecord(block.toolResult)) {
    const content = listOf(block.toolResult.content).map(resultText);
    return keepMark(block, { type: 'tool_result', content });
  }
  if (isRecord(block.guardContent) && isRecord(block.guardContent.text)) {
    return keepMark(block, { text: block.guardContent.text.text });
  }
  return block;
}

/** Reads a tool result block: its text, or its JSON as text. */
function resultText(block: UnknownRecord): UnknownRecord {
  if (block.json === undefined) {
    return block;
  }
  try {
    return { text: JSON.stringify(block.json) };
  } catch {
    return {};
  }
}

function coherePrompt(request: UnknownRecord): UnknownRecord {
  const history = listOf(request.chat_history).map((turn) => ({
    role: turn.role === 'CHATBOT' ? 'assistant' : 'user',
    content: turn.message,
  }));
  const documents = listOf(request.documents).map((document) =>
    markContext({ role: 'user', content: jsonOrEmpty(document) }),
  );
  return {
    tools: request.tools,
    system: request.preamble,
    messages: [
      ...documents,
      ...history,
      { role: 'user', content: request.message },
    ],
  };
}

function jsonOrEmpty(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '';
  }
}

/** Marks `converted` as context when `original` was marked. */
function keepMark(original: object, converted: UnknownRecord): UnknownRecord {
  return isMarkedContext(original) ? markContext(converted) : converted;
}

function listOf(value: unknown): UnknownRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
