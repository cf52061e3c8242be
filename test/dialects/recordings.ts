import type { Recording } from '../../src/replay/recording.js';

/** The model of the constructed Anthropic exchanges. */
export const CLAUDE_MODEL = 'claude-3-7-sonnet-20250219';

/**
 * Builds an Anthropic message with cache reads and writes, in the format of
 * the Messages API, because no recorded exchange has them. Its
 * uncached input (4,000) exceeds the cached tokens (2,500), so that a reader
 * which guesses what `input_tokens` contains from the sizes guesses wrong.
 */
export function anthropicCacheRecording(): Recording {
  return {
    name: 'anthropic-cache-read-and-write',
    provider: 'anthropic',
    exchanges: [
      {
        request: {
          method: 'POST',
          url: 'https://api.anthropic.com/v1/messages',
          body: {
            model: CLAUDE_MODEL,
            max_tokens: 1024,
            messages: [{ role: 'user', content: 'Summarise the manual.' }],
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: {
            id: 'msg_cache',
            type: 'message',
            role: 'assistant',
            model: CLAUDE_MODEL,
            content: [{ type: 'text', text: 'Done.' }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: {
              input_tokens: 4000,
              cache_creation_input_tokens: 1000,
              cache_read_input_tokens: 1500,
              output_tokens: 550,
            },
          },
        },
      },
    ],
  };
}
