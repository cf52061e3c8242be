// Converts the prompt of a Responses API request to chat messages and
// tools, so that it is counted by the chat completion rules of
// `chat-token-tally.ts`. OpenAI publishes no counting rules for the
// Responses API; for a plain text prompt, the chat rules give the
// `input_tokens` that the recorded Responses calls report (22 for the
// `contrib-responses-adds-genai-conventions` prompt, 14 for
// `responses-non-streaming`).
//
// - `instructions` is a developer message, and a string `input` a user one.
// - Message items keep their role and content; their `input_text`,
//   `output_text` and `refusal` parts are counted like chat text parts.
// - A `function_call` or `custom_tool_call` item is an assistant tool call
//   (name and arguments or input), and its `*_output` item a tool message
//   (the output, and the `call_id` as `tool_call_id`).
// - Function and custom tool definitions are chat tools.
//
// NOTE: the input is underestimated when the request has context that it
// does not spell out, such as `previous_response_id`, `conversation` or a
// stored `prompt`. Built-in tools (web search, file search, code
// interpreter ...), whose instructions OpenAI adds, reasoning items passed
// back, and images, audio and files are not counted either.

import { tallyChatInput, type TokenTally } from '../common/chat-token-tally.js';
import type { EncodingName } from '../../tokenizer/index.js';
import { isRecord, type UnknownRecord } from './values.js';

/** Tallies the prompt of a Responses API request: instructions, input, tools. */
export function tallyResponsesInput(
  params: UnknownRecord,
  encoding: EncodingName,
): TokenTally {
  return tallyChatInput(
    { messages: inputMessages(params), tools: chatTools(params.tools) },
    encoding,
  );
}

function inputMessages(params: UnknownRecord): UnknownRecord[] {
  const messages: UnknownRecord[] = [];
  if (typeof params.instructions === 'string') {
    messages.push({ role: 'developer', content: params.instructions });
  }

  const input = params.input;
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input) {
      const message = isRecord(item) ? itemMessage(item) : undefined;
      if (message !== undefined) {
        messages.push(message);
      }
    }
  }
  return messages;
}

/** Converts one input item, or returns undefined for items not counted. */
function itemMessage(item: UnknownRecord): UnknownRecord | undefined {
  switch (item.type) {
    case undefined:
    case 'message':
      return { role: item.role, content: item.content };
    case 'function_call':
      return toolCallMessage({ name: item.name, arguments: item.arguments });
    case 'custom_tool_call':
      return toolCallMessage({ name: item.name, input: item.input });
    case 'function_call_output':
    case 'custom_tool_call_output':
      return { role: 'tool', content: item.output, tool_call_id: item.call_id };
    default:
      return undefined;
  }
}

function toolCallMessage(callee: UnknownRecord): UnknownRecord {
  return { role: 'assistant', tool_calls: [{ function: callee }] };
}

/** Converts function and custom tool definitions; built-in tools are left out. */
function chatTools(tools: unknown): UnknownRecord[] {
  if (!Array.isArray(tools)) {
    return [];
  }

  const converted: UnknownRecord[] = [];
  for (const tool of tools) {
    if (!isRecord(tool)) {
      continue;
    }
    const definition = {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
    };
    if (tool.type === 'function') {
      converted.push({ type: 'function', function: definition });
    } else if (tool.type === 'custom') {
      converted.push({ type: 'custom', custom: definition });
    }
  }
  return converted;
}
