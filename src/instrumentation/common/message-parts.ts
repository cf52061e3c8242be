// Readers of the visible output of responses in the formats that more than
// one instrumentation receives: Anthropic Messages (from @anthropic-ai/sdk
// and from Bedrock InvokeModel) and OpenAI chat completions (from openai
// and from the OpenAI-style models on Bedrock).

import { isRecord, type UnknownRecord } from './attributes.js';
import type { CompletionParts } from './completion-sizes.js';

// Anthropic content blocks in which the model calls a tool: its own tools,
// server tools such as web search, and MCP tools.
const TOOL_USE_BLOCKS = new Set([
  'tool_use',
  'server_tool_use',
  'mcp_tool_use',
]);

/**
 * Adds the text blocks and tool calls (name and input) of an Anthropic
 * Message's `content`. Thinking is reasoning, whose tokens usage reports,
 * so it is left out.
 */
export function addAnthropicContent(
  parts: CompletionParts,
  content: unknown,
): void {
  for (const block of Array.isArray(content) ? content : []) {
    if (!isRecord(block)) {
      continue;
    }
    if (block.type === 'text') {
      parts.text.push(block.text);
    } else if (isAnthropicToolUse(block)) {
      parts.toolCalls.push(block.name, block.input);
    }
  }
}

/**
 * Tells whether an Anthropic content block is a tool call. In a stream,
 * its `content_block_start` carries the name, and its input follows as
 * `input_json_delta` events.
 */
export function isAnthropicToolUse(block: unknown): block is UnknownRecord {
  return (
    isRecord(block) &&
    typeof block.type === 'string' &&
    TOOL_USE_BLOCKS.has(block.type)
  );
}

/**
 * Adds the output of each choice of a chat completion: the message's
 * content and refusal as text, and the names and arguments of its tool
 * calls, including the deprecated `function_call`.
 */
export function addChatChoices(parts: CompletionParts, choices: unknown): void {
  for (const choice of Array.isArray(choices) ? choices : []) {
    if (isRecord(choice) && isRecord(choice.message)) {
      addChatMessage(parts, choice.message);
    }
  }
}

function addChatMessage(parts: CompletionParts, message: UnknownRecord): void {
  parts.text.push(message.content, message.refusal);
  const calls: unknown[] = Array.isArray(message.tool_calls)
    ? message.tool_calls
    : [];
  // The deprecated `function_call` is read like a tool call of its own.
  for (const call of [...calls, { function: message.function_call }]) {
    const callee = isRecord(call) ? (call.function ?? call.custom) : {};
    if (isRecord(callee)) {
      parts.toolCalls.push(callee.name, callee.arguments, callee.input);
    }
  }
}
