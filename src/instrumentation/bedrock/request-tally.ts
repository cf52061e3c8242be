// Collects the texts of a Bedrock request that its input tokens are
// estimated from, when a stream ends before Bedrock reports its counts.
//
// Chat requests are converted to chat completion messages and tools and
// counted by the rules of `chat-token-tally.ts`: a Converse request, and
// the InvokeModel bodies of Anthropic (Messages), Nova (Converse-like),
// OpenAI-style models, Mistral (`messages`) and Cohere Command (`message`,
// `chat_history`, `preamble`). In them, text blocks count their text, a
// tool use its name and its input as JSON, a tool result its text and JSON
// content, and a tool definition its name, description and schema
// properties. A bare prompt (Llama, Mistral, DeepSeek `prompt`, Titan
// `inputText`) already contains its model's template, so only its text is
// counted.
//
// The models' tokenizers are not public, so the counts are approximate:
// o200k_base stands in, and the chat format's framing tokens are OpenAI's.
// NOTE: images, documents, video, reasoning content passed back and cache
// points are not counted, so requests with them are underestimated.

import { tallyChatInput, type TokenTally } from '../common/chat-token-tally.js';
import { isRecord, type UnknownRecord } from '../common/attributes.js';
import type { EncodingName } from '../../tokenizer/index.js';

/**
 * Tallies the prompt of a Converse request (its command input) or of an
 * InvokeModel request (its parsed body).
 */
export function tallyBedrockInput(
  request: UnknownRecord,
  encoding: EncodingName,
): TokenTally {
  const prompt = request.prompt ?? request.inputText;
  if (typeof prompt === 'string') {
    return { texts: [prompt], formatTokens: 0 };
  }
  return tallyChatInput(
    { messages: chatMessages(request), tools: chatTools(request) },
    encoding,
  );
}

function chatMessages(request: UnknownRecord): UnknownRecord[] {
  const messages: UnknownRecord[] = [];
  for (const system of [request.system, request.preamble]) {
    if (system !== undefined) {
      messages.push({ role: 'system', content: textParts(system) });
    }
  }
  for (const message of listOf(request.messages)) {
    messages.push(chatMessage(message.role, message.content));
  }
  // Cohere Command R: earlier turns, then the new user message.
  for (const turn of listOf(request.chat_history)) {
    messages.push(chatMessage(turn.role, turn.message));
  }
  if (typeof request.message === 'string') {
    messages.push(chatMessage('user', request.message));
  }
  return messages;
}

/** Converts a message whose content is a string or a list of blocks. */
function chatMessage(role: unknown, content: unknown): UnknownRecord {
  return {
    role,
    content: textParts(content),
    tool_calls: toolCalls(content),
  };
}

/**
 * Reads the texts of a content string or block list as chat text parts:
 * text blocks, and the text and JSON content of tool results.
 */
function textParts(content: unknown): UnknownRecord[] {
  if (typeof content === 'string') {
    return [{ text: content }];
  }
  const parts: UnknownRecord[] = [];
  for (const block of Array.isArray(content) ? content : []) {
    parts.push(...blockParts(block));
  }
  return parts;
}

function blockParts(block: unknown): UnknownRecord[] {
  if (typeof block === 'string') {
    return [{ text: block }];
  }
  if (!isRecord(block)) {
    return [];
  }
  if (typeof block.text === 'string') {
    return [{ text: block.text }];
  }
  if (block.json !== undefined) {
    return [{ text: JSON.stringify(block.json) }];
  }
  // Converse `toolResult` blocks and Anthropic `tool_result` blocks.
  const result = isRecord(block.toolResult) ? block.toolResult : block;
  if (block.toolResult !== undefined || block.type === 'tool_result') {
    return textParts(result.content);
  }
  return [];
}

/** Reads Converse `toolUse` and Anthropic `tool_use` blocks as tool calls. */
function toolCalls(content: unknown): UnknownRecord[] {
  const calls: UnknownRecord[] = [];
  for (const block of Array.isArray(content) ? content : []) {
    if (!isRecord(block)) {
      continue;
    }
    const use = isRecord(block.toolUse) ? block.toolUse : block;
    if (block.toolUse !== undefined || block.type === 'tool_use') {
      calls.push({
        function: { name: use.name, arguments: JSON.stringify(use.input) },
      });
    }
  }
  return calls;
}

/**
 * Converts tool definitions: Converse and Nova `toolConfig.tools[].toolSpec`,
 * Anthropic `tools[]` with `input_schema`, and chat completion tools.
 */
function chatTools(request: UnknownRecord): UnknownRecord[] {
  const config = isRecord(request.toolConfig) ? request.toolConfig : {};
  const tools = [...listOf(config.tools), ...listOf(request.tools)];
  return tools.map((tool) => {
    if (isRecord(tool.function)) {
      return tool;
    }
    const spec = isRecord(tool.toolSpec) ? tool.toolSpec : tool;
    const schema = isRecord(spec.inputSchema)
      ? spec.inputSchema.json
      : spec.input_schema;
    return {
      function: {
        name: spec.name,
        description: spec.description,
        parameters: schema,
      },
    };
  });
}

function listOf(value: unknown): UnknownRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
