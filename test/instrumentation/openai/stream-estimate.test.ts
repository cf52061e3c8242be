import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD,
} from '../../../src/semconv.js';
import { loadedTokenCounter } from '../../../src/tokenizer/index.js';
import { recording } from '../../support/recordings.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  createClient,
  instrumentOpenAI,
  onlySpan,
  readAll,
  recordingOf,
  requestBody,
  startReplay,
  streamRequest,
  type OpenAI,
} from './support.js';

const PLAIN_STREAM = recording(
  'openai--contrib-streaming-chat-completions-adds-genai-conventions',
);
const TWO_CHOICES = recording(
  'openai--contrib-streaming-chat-completions-records-multiple-choices',
);
const TOOL_CALLS = recording(
  'openai--contrib-streaming-chat-completions-records-tool-calls',
);
const WITH_USAGE = recording(
  'openai--contrib-streaming-chat-completions-records-usage',
);

/**
 * A gpt-4 stream that requests usage. gpt-4 counts with cl100k_base, which
 * no other request in this file loads, so estimating its usage has to wait
 * for the tokenizer to load.
 */
const GPT4_STREAM: Recording = recordingOf('gpt-4-stream', {
  request: {
    method: 'POST',
    url: 'https://api.openai.com/v1/chat/completions',
    body: {
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
      stream_options: { include_usage: true },
    },
  },
  response: {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: [
      '{"id":"c1","model":"gpt-4-0613","choices":[{"index":0,"delta":{"content":"Hi"}}]}',
      '{"id":"c1","model":"gpt-4-0613","choices":[{"index":0,"delta":{"content":" there"}}]}',
      '{"id":"c1","model":"gpt-4-0613","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}',
      '[DONE]',
    ]
      .map((data) => `data: ${data}\n\n`)
      .join(''),
  },
});

/** A plain stream, as the response to a request that turns usage off. */
const USAGE_OFF: Recording = recordingOf('usage-off', {
  request: {
    ...WITH_USAGE.exchanges[0]!.request,
    body: {
      ...requestBody(WITH_USAGE),
      stream_options: { include_usage: false },
    },
  },
  response: PLAIN_STREAM.exchanges[0]!.response,
});

/** Returns the request body of a recording without its `stream_options`. */
function withoutStreamOptions(
  source: Recording,
): ChatCompletionCreateParamsStreaming {
  const body = streamRequest(source);
  delete body.stream_options;
  return body;
}

describe('OpenAIInstrumentation streamed chat usage', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay(
      [
        GPT4_STREAM,
        PLAIN_STREAM,
        TWO_CHOICES,
        TOOL_CALLS,
        WITH_USAGE,
        USAGE_OFF,
      ],
      { match: 'strict' },
    );
    client = createClient(server);
  });
  afterEach(() => {
    tracing.reset();
    server.received.length = 0;
    instrumentation.setConfig({});
  });
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  it('keeps the stream end time while the tokenizer loads', async () => {
    expect(loadedTokenCounter('cl100k_base')).toBeUndefined();
    const stream = await client.chat.completions.create(
      streamRequest(GPT4_STREAM),
    );
    for await (const _chunk of stream) {
      break;
    }
    const stoppedAt = Date.now();

    const span = await onlySpan(tracing);
    // The app stopped after "Hi", before the chunk with the usage. "Say hi"
    // is 2 cl100k_base tokens and "user" 1, plus 3 for the message and 3
    // for the reply: 9 input tokens. "Hi" is 1 output token.
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(9);
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(1);
    expect(span.attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD]).toBe(
      'tokenizer:cl100k_base',
    );
    expect(hrTimeToMilliseconds(span.endTime)).toBeLessThanOrEqual(
      stoppedAt + 1,
    );
  });

  it('estimates usage of a stream without usage', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(PLAIN_STREAM),
    );
    await readAll(stream);

    const { attributes } = await onlySpan(tracing);
    // Input: "Answer in up to 3 words: Which ocean contains Bouvet Island?"
    // is 15 o200k_base tokens and the role "user" 1, plus 3 tokens per
    // message and 3 that prime the reply: 22, as OpenAI reports for this
    // prompt in the `records-usage` recording. Output: the streamed text
    // "Atlantic Ocean." is 3 tokens.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
    expect(
      attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    ).toBeUndefined();
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD]).toBe(
      'tokenizer:o200k_base',
    );
  });

  it('leaves the request of a stream unchanged', async () => {
    const params = streamRequest(PLAIN_STREAM);
    const stream = await client.chat.completions.create(params);
    await readAll(stream);

    expect(server.received[0]!.body).toEqual(requestBody(PLAIN_STREAM));
    expect(server.received[0]!.body).not.toHaveProperty('stream_options');
    expect(params).toEqual(requestBody(PLAIN_STREAM));
  });

  it('records the response fields of a stream', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(PLAIN_STREAM),
    );
    await readAll(stream);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe(
      'chatcmpl-BuDJt3XpbTrkrYBUooP67fAFPTDDa',
    );
    expect(attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(
      'gpt-4o-mini-2024-07-18',
    );
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(attributes[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER]).toBe(
      'default',
    );
  });

  it('estimates the output of every choice', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(TWO_CHOICES),
    );
    await readAll(stream);

    const { attributes } = await onlySpan(tracing);
    // The prompt is counted once (22 tokens, as above), and the choices
    // "Atlantic Ocean." and "Southern Ocean." are 3 tokens each.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(6);
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual([
      'stop',
      'stop',
    ]);
  });

  it('estimates tool definitions and tool calls', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(TOOL_CALLS),
    );
    await readAll(stream);

    const { attributes } = await onlySpan(tracing);
    // Messages: system (3 + "system" 1 + 9 content tokens) and user (3 +
    // "user" 1 + 11), plus 3 for the reply: 31. The tool get_weather: 7, 3
    // for "get_weather:", 3 for its properties, 3 and 3 for
    // "location:string:", and 12 at the end of the tool list: 31. OpenAI
    // reported 57 for this prompt, so this estimate is 5 tokens high.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(62);
    // Two calls of get_weather (2 tokens each) with the arguments
    // {"location": "New York City"} (8) and {"location": "London"} (6).
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(18);
    expect(attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual([
      'tool_calls',
    ]);
  });

  it('is deterministic', async () => {
    const counts: unknown[] = [];
    for (let run = 0; run < 3; run += 1) {
      const stream = await client.chat.completions.create(
        streamRequest(TOOL_CALLS),
      );
      await readAll(stream);
      const { attributes } = await onlySpan(tracing);
      counts.push([
        attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS],
        attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
      ]);
      tracing.reset();
    }

    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
  });

  it('requests usage when includeStreamUsage is on', async () => {
    instrumentation.setConfig({ includeStreamUsage: true });
    const params = withoutStreamOptions(WITH_USAGE);
    const stream = await client.chat.completions.create(params);
    await readAll(stream);

    expect(server.received[0]!.body).toEqual(requestBody(WITH_USAGE));
    expect(params).toEqual(withoutStreamOptions(WITH_USAGE));
    expect(params).not.toHaveProperty('stream_options');
  });

  it('records reported usage when includeStreamUsage is on', async () => {
    instrumentation.setConfig({ includeStreamUsage: true });
    const stream = await client.chat.completions.create(
      withoutStreamOptions(WITH_USAGE),
    );
    await readAll(stream);

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
    expect(attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(0);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBeUndefined();
  });

  it('keeps stream options the app set', async () => {
    instrumentation.setConfig({ includeStreamUsage: true });
    const params = streamRequest(USAGE_OFF);
    const stream = await client.chat.completions.create(params);
    await readAll(stream);

    expect(server.received[0]!.body).toEqual(requestBody(USAGE_OFF));
    expect(server.received[0]!.recording).toBe('usage-off');
  });

  it('estimates a stream that stops before its usage', async () => {
    const stream = await client.chat.completions.create(
      streamRequest(WITH_USAGE),
    );
    const seen: string[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content ?? '');
      if (seen.join('') !== '') {
        break;
      }
    }

    const { attributes } = await onlySpan(tracing);
    // The app read only "South" (1 token) before it stopped.
    expect(seen.join('')).toBe('South');
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(1);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
  });
});
