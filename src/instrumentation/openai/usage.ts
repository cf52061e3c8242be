import { readCount, type CallUsage } from '../common/span.js';
import { isRecord } from './values.js';

// OpenAI's input counts (`prompt_tokens`, `input_tokens`) already include
// cached and audio tokens, and its output counts already include reasoning
// and audio tokens, which is how the GenAI conventions count them, so no
// sums are needed. Counts that are not valid numbers are dropped here.

/** Reads the `usage` of a chat completion or of its last streamed chunk. */
export function readChatUsage(usage: unknown): CallUsage | undefined {
  if (!isRecord(usage)) {
    return undefined;
  }
  return {
    inputTokens: readCount(usage.prompt_tokens),
    outputTokens: readCount(usage.completion_tokens),
    cacheReadTokens: readDetail(usage.prompt_tokens_details, 'cached_tokens'),
    reasoningTokens: readDetail(
      usage.completion_tokens_details,
      'reasoning_tokens',
    ),
    inputAudioTokens: readDetail(usage.prompt_tokens_details, 'audio_tokens'),
    outputAudioTokens: readDetail(
      usage.completion_tokens_details,
      'audio_tokens',
    ),
  };
}

/** Reads the `usage` of a Responses API response. */
export function readResponsesUsage(usage: unknown): CallUsage | undefined {
  if (!isRecord(usage)) {
    return undefined;
  }
  return {
    inputTokens: readCount(usage.input_tokens),
    outputTokens: readCount(usage.output_tokens),
    cacheReadTokens: readDetail(usage.input_tokens_details, 'cached_tokens'),
    reasoningTokens: readDetail(
      usage.output_tokens_details,
      'reasoning_tokens',
    ),
  };
}

/** Reads the `usage` of an embeddings response, which has input only. */
export function readEmbeddingsUsage(usage: unknown): CallUsage | undefined {
  if (!isRecord(usage)) {
    return undefined;
  }
  return { inputTokens: readCount(usage.prompt_tokens) };
}

function readDetail(details: unknown, name: string): number | undefined {
  return isRecord(details) ? readCount(details[name]) : undefined;
}

/**
 * Counts the web searches in the `output` items of a Responses API
 * response: each `web_search_call` item whose action is a search. OpenAI
 * bills search actions per call; `open_page` and `find_in_page` actions are
 * not billed. An item without an action, as older API versions sent, is one
 * search. Returns undefined when the output has no web search call.
 *
 * NOTE: OpenAI bills the `web_search_preview` tool of non-reasoning models
 * at $25 per thousand calls, where the catalog has $10 (the `web_search`
 * tool's rate), so such calls are priced low.
 */
export function countWebSearches(output: unknown): number | undefined {
  if (!Array.isArray(output)) {
    return undefined;
  }
  let searches = 0;
  let found = false;
  for (const item of output) {
    if (isRecord(item) && item.type === 'web_search_call') {
      found = true;
      if (isSearchAction(item.action)) {
        searches += 1;
      }
    }
  }
  return found ? searches : undefined;
}

function isSearchAction(action: unknown): boolean {
  if (action === undefined || action === null || action === 'search') {
    return true;
  }
  return isRecord(action) && action.type === 'search';
}
