import { readCount, type CallUsage } from '../common/span.js';
import { isRecord } from './values.js';

// OpenAI's input counts (`prompt_tokens`, `input_tokens`) already include
// cached tokens, and its output counts already include reasoning tokens,
// which is how the GenAI conventions count them, so no sums are needed.
// Counts that are not valid numbers are dropped here.

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
