// Converts a Gemini request to the Anthropic Messages shape that
// `measurePrompt` reads, so that its prompt is sized by the same rules as
// the other providers': `config.tools` as tool definitions,
// `config.systemInstruction` as the system prompt, and `contents` as
// messages. A `model` turn is an assistant turn, a `functionCall` part a
// `tool_use` block (history) and a `functionResponse` part a `tool_result`
// block. Parts such as `inlineData` and `fileData` (images, audio, files)
// have no size, as in the other providers' prompts.

import { isMarkedContext, markContext } from '../../breakdown/context.js';
import { isRecord, type UnknownRecord } from '../common/attributes.js';

/**
 * Converts the params of `generateContentInternal` (`model`, `contents`,
 * `config`). Contents and parts marked as context keep their mark.
 */
export function geminiPrompt(params: UnknownRecord): UnknownRecord {
  const config = isRecord(params.config) ? params.config : {};
  return {
    tools: config.tools,
    system: partsOf(config.systemInstruction).map(toBlock),
    messages: contentsOf(params.contents).map(toMessage),
  };
}

/**
 * Reads `contents` in each form the SDK takes: a list of Content objects,
 * one Content, or a string, a Part or a list of them, which make one user
 * turn.
 */
function contentsOf(contents: unknown): UnknownRecord[] {
  if (isContent(contents)) {
    return [contents];
  }
  if (Array.isArray(contents) && contents.every(isContent)) {
    return contents;
  }
  const parts = Array.isArray(contents) ? contents : [contents];
  return [{ role: 'user', parts }];
}

function isContent(value: unknown): value is UnknownRecord {
  return isRecord(value) && Array.isArray(value.parts);
}

/** Reads a system instruction: a Content, a Part, a string or a list. */
function partsOf(instruction: unknown): unknown[] {
  if (instruction === undefined || instruction === null) {
    return [];
  }
  if (isContent(instruction)) {
    return instruction.parts as unknown[];
  }
  return Array.isArray(instruction) ? instruction : [instruction];
}

function toMessage(content: UnknownRecord): UnknownRecord {
  const parts = Array.isArray(content.parts) ? content.parts : [];
  const message = {
    role: content.role === 'model' ? 'assistant' : 'user',
    content: parts.map(toBlock),
  };
  return isMarkedContext(content) ? markContext(message) : message;
}

function toBlock(part: unknown): unknown {
  if (typeof part === 'string') {
    return { type: 'text', text: part };
  }
  if (!isRecord(part)) {
    return undefined;
  }
  const block = blockOf(part);
  return isMarkedContext(part) ? markContext(block) : block;
}

function blockOf(part: UnknownRecord): UnknownRecord {
  if (isRecord(part.functionCall)) {
    const call = part.functionCall;
    return { type: 'tool_use', name: call.name, input: call.args };
  }
  if (isRecord(part.functionResponse)) {
    return { type: 'tool_result', content: jsonText(part.functionResponse) };
  }
  if (isRecord(part.executableCode)) {
    return { type: 'text', text: part.executableCode.code };
  }
  if (isRecord(part.codeExecutionResult)) {
    return { type: 'text', text: part.codeExecutionResult.output };
  }
  return { type: 'text', text: part.text };
}

/** Serializes a function response, or returns '' when it cannot be. */
function jsonText(value: UnknownRecord): string {
  try {
    return JSON.stringify({ name: value.name, response: value.response });
  } catch {
    return '';
  }
}
