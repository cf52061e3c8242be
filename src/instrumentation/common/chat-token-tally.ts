// Collects the texts that a chat completion's tokens are estimated from.
//
// This is an approximation of how OpenAI counts chat tokens, taken from the
// OpenAI Cookbook notebook "How to count tokens with tiktoken" (sections 6
// and 7, written for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini):
// - Each message adds 3 tokens and the tokens of each of its string fields
//   (role, content, name, tool_call_id), plus 1 more when it has a name.
// - The reply is primed with 3 tokens.
// - Each function tool adds 7 tokens on o200k_base models (10 on
//   cl100k_base ones) and the tokens of `name:description`.
// - A tool with properties adds 3 tokens, and each property adds 3 tokens
//   and the tokens of `key:type:description`.
// - An enum property adds 3 tokens less, then 3 tokens and the tokens of
//   the text of each item.
// - The list of tools adds 12 tokens at its end.
// Tool calls in assistant messages count their name and arguments, and
// custom tools are counted like function tools without parameters.
// Requests in other formats (the Responses API, Bedrock) are converted to
// chat messages and tools first and counted by the same rules.
//
// NOTE: images, audio and files in messages are not counted, nor are nested
// properties of tool parameters, so requests with them are underestimated.

import type { EncodingName, TokenCounter } from '../../tokenizer/index.js';
import { isRecord, type UnknownRecord } from './attributes.js';

/** Texts to count with a tokenizer, and the tokens the format adds. */
export interface TokenTally {
  texts: string[];
  formatTokens: number;
}

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
const MESSAGE_STRING_FIELDS = ['role', 'content', 'name', 'tool_call_id'];

const TOKENS_PER_TOOL: Record<EncodingName, number> = {
  o200k_base: 7,
  cl100k_base: 10,
};
const PROPERTIES_TOKENS = 3;
const TOKENS_PER_PROPERTY = 3;
const ENUM_TOKENS = -3;
const TOKENS_PER_ENUM_ITEM = 3;
const TOOLS_END_TOKENS = 12;

/** Counts the tokens of a tally, never fewer than zero. */
export function countTally(counter: TokenCounter, tally: TokenTally): number {
  let tokens = tally.formatTokens;
  for (const text of tally.texts) {
    tokens += counter.count(text);
  }
  return Math.max(0, tokens);
}

/** Tallies the prompt of a chat completion request: messages and tools. */
export function tallyChatInput(
  params: UnknownRecord,
  encoding: EncodingName,
): TokenTally {
  const tally: TokenTally = { texts: [], formatTokens: 0 };
  const messages = Array.isArray(params.messages) ? params.messages : [];
  for (const message of messages) {
    if (isRecord(message)) {
      tallyMessage(message, tally);
    }
  }
  tally.formatTokens += REPLY_PRIMING_TOKENS;

  if (Array.isArray(params.tools) && params.tools.length > 0) {
    tallyToolDefinitions(params.tools, encoding, tally);
  }
  return tally;
}

function tallyMessage(message: UnknownRecord, tally: TokenTally): void {
  tally.formatTokens += TOKENS_PER_MESSAGE;
  for (const field of MESSAGE_STRING_FIELDS) {
    const value = message[field];
    if (typeof value === 'string') {
      tally.texts.push(value);
    }
  }
  if (typeof message.name === 'string') {
    tally.formatTokens += TOKENS_PER_NAME;
  }
  if (Array.isArray(message.content)) {
    tally.texts.push(...contentPartTexts(message.content));
  }
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call) => tallyToolCall(call, tally.texts));
  }
  // The deprecated single `function_call` of older assistant messages.
  tallyCallee(message.function_call, tally.texts);
}

/** Reads the text and refusal parts of a message's content. */
function contentPartTexts(parts: unknown[]): string[] {
  const texts: string[] = [];
  for (const part of parts) {
    const text = isRecord(part)
      ? (readString(part.text) ?? readString(part.refusal))
      : undefined;
    if (text !== undefined) {
      texts.push(text);
    }
  }
  return texts;
}

/** Adds the name and arguments of a function or custom tool call. */
function tallyToolCall(call: unknown, texts: string[]): void {
  if (isRecord(call)) {
    tallyCallee(call.function ?? call.custom, texts);
  }
}

function tallyCallee(callee: unknown, texts: string[]): void {
  if (!isRecord(callee)) {
    return;
  }
  for (const value of [callee.name, callee.arguments, callee.input]) {
    if (typeof value === 'string') {
      texts.push(value);
    }
  }
}

function tallyToolDefinitions(
  tools: unknown[],
  encoding: EncodingName,
  tally: TokenTally,
): void {
  for (const tool of tools) {
    const definition = isRecord(tool) ? (tool.function ?? tool.custom) : {};
    if (isRecord(definition)) {
      tally.formatTokens += TOKENS_PER_TOOL[encoding];
      tally.texts.push(
        `${stringOf(definition.name)}:${descriptionOf(definition)}`,
      );
      tallyProperties(definition.parameters, tally);
    }
  }
  tally.formatTokens += TOOLS_END_TOKENS;
}

function tallyProperties(parameters: unknown, tally: TokenTally): void {
  const properties = isRecord(parameters) ? parameters.properties : undefined;
  if (!isRecord(properties) || Object.keys(properties).length === 0) {
    return;
  }

  tally.formatTokens += PROPERTIES_TOKENS;
  for (const [key, property] of Object.entries(properties)) {
    const schema = isRecord(property) ? property : {};
    tally.formatTokens += TOKENS_PER_PROPERTY;
    tally.texts.push(
      `${key}:${stringOf(schema.type)}:${descriptionOf(schema)}`,
    );
    if (Array.isArray(schema.enum)) {
      tally.formatTokens += ENUM_TOKENS;
      for (const item of schema.enum) {
        tally.formatTokens += TOKENS_PER_ENUM_ITEM;
        tally.texts.push(enumItemText(item));
      }
    }
  }
}

/** Reads a description without its final period, as the cookbook does. */
function descriptionOf(schema: UnknownRecord): string {
  return stringOf(schema.description).replace(/\.$/, '');
}

function enumItemText(item: unknown): string {
  if (typeof item === 'number' || typeof item === 'boolean') {
    return String(item);
  }
  return stringOf(item);
}

function readString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Tallies streamed output from its texts: each choice's content and refusal,
 * and the names and arguments of its tool calls.
 *
 * NOTE: the stream carries neither reasoning tokens nor the tokens that
 * frame tool calls, so output with either is underestimated.
 */
export function tallyChatOutput(texts: Iterable<string>): TokenTally {
  return { texts: [...texts].filter((text) => text !== ''), formatTokens: 0 };
}
