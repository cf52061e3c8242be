// Readers of the visible output of Bedrock responses, which the cost
// breakdown shares the output tokens over: text, and tool calls by their
// name and input.
//
// NOTE: Bedrock reports no reasoning count, so the tokens of reasoning
// content (Claude's extended thinking, `reasoningContent`) are shared over
// the text and tool calls, and reasoning is not sized.

import { isRecord, type UnknownRecord } from '../common/attributes.js';
import {
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import {
  addAnthropicContent,
  addChatChoices,
} from '../common/message-parts.js';

/** Reads the output message of a Converse response. */
export function converseParts(output: UnknownRecord): CompletionParts {
  const parts = emptyParts();
  addConverseMessage(parts, output.output);
  return parts;
}

/**
 * Reads an InvokeModel response body in the native format of its model.
 * The formats' fields do not overlap, so each reader looks for its own:
 *
 * - Anthropic Claude (Messages format): text and `tool_use` blocks;
 * - Amazon Nova: the Converse-like `output.message`;
 * - OpenAI-style chat completions (OpenAI gpt-oss, AI21 Jamba, Mistral
 *   chat): each choice's message content and tool calls;
 * - Titan `results[].outputText`, Llama `generation`, Mistral
 *   `outputs[].text`, DeepSeek `choices[].text`, Cohere Command `text`,
 *   `tool_calls` and legacy `generations[].text`.
 */
export function invokeModelParts(body: unknown): CompletionParts {
  const parts = emptyParts();
  if (!isRecord(body)) {
    return parts;
  }

  if (body.type === 'message') {
    addAnthropicContent(parts, body.content);
  }
  addConverseMessage(parts, body.output);
  addChatChoices(parts, body.choices);
  for (const list of [
    body.results,
    body.outputs,
    body.choices,
    body.generations,
  ]) {
    addListTexts(parts, list);
  }
  parts.text.push(body.generation, body.text);
  for (const call of listOf(body.tool_calls)) {
    parts.toolCalls.push(call.name, call.parameters);
  }
  return parts;
}

/** Adds the text and `toolUse` blocks of a Converse `{ message }` output. */
function addConverseMessage(parts: CompletionParts, output: unknown): void {
  const message = isRecord(output) ? output.message : undefined;
  const content = isRecord(message) ? message.content : undefined;
  for (const block of listOf(content)) {
    parts.text.push(block.text);
    if (isRecord(block.toolUse)) {
      parts.toolCalls.push(block.toolUse.name, block.toolUse.input);
    }
  }
}

function addListTexts(parts: CompletionParts, list: unknown): void {
  for (const item of listOf(list)) {
    parts.text.push(item.outputText ?? item.text);
  }
}

function listOf(value: unknown): UnknownRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
