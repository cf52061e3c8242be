import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { BedrockRuntimeInstrumentation } from '../../../src/instrumentation/bedrock/instrumentation.js';
import { tallyBedrockInput } from '../../../src/instrumentation/bedrock/request-tally.js';
import { countTally } from '../../../src/instrumentation/common/chat-token-tally.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { loadTokenCounter } from '../../../src/tokenizer/index.js';
import {
  encodeBase64Chunks,
  invokeModelChunk,
  type StreamMessage,
} from '../../support/event-stream.js';
import { recording } from '../../support/recordings.js';
import { setupTracing } from '../../support/tracing.js';
import {
  BedrockModule,
  commandFor,
  createClient,
  startReplay,
  tokenCounts,
  waitForSpans,
} from './support.js';

// Bedrock's models have no public tokenizer, so every count here is in
// o200k_base, standing in for theirs, by the chat completion rules. A
// message adds 3 tokens and its role, and the reply 3. A tool adds 7 and
// its `name:description`, 3 for its properties, 3 and
// `key:type:description` per property, and the tool list 12 at its end.

const APPROXIMATE = 'approximate_tokenizer:o200k_base';

const tracing = setupTracing();
const instrumentation = new BedrockRuntimeInstrumentation();
instrumentation.manuallyInstrument(BedrockModule);

const CLAUDE = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const BEDROCK_URL = 'https://bedrock-runtime.us-east-1.amazonaws.com/model';

function streamRecording(
  name: string,
  url: string,
  body: unknown,
  messages: StreamMessage[],
): Recording {
  return {
    name,
    provider: 'bedrock',
    exchanges: [
      {
        request: { method: 'POST', url, body },
        response: {
          status: 200,
          headers: { 'content-type': 'application/vnd.amazon.eventstream' },
          bodyBase64: encodeBase64Chunks(messages),
        },
      },
    ],
  };
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the weather.',
  schema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'A city' } },
  },
};

/** A ConverseStream round with a system prompt, a tool and its result. */
const CONVERSE_TOOLS = streamRecording(
  'converse-stream-tools',
  `${BEDROCK_URL}/${encodeURIComponent(CLAUDE)}/converse-stream`,
  {
    system: [
      { text: 'You report the weather.' },
      { cachePoint: { type: 'default' } },
    ],
    messages: [
      { role: 'user', content: [{ text: 'Weather in Rome?' }] },
      {
        role: 'assistant',
        content: [
          {
            toolUse: {
              toolUseId: 't1',
              name: 'get_weather',
              input: { city: 'Rome' },
            },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            toolResult: {
              toolUseId: 't1',
              content: [{ json: { temperature: 22 } }],
            },
          },
        ],
      },
    ],
    toolConfig: {
      tools: [
        {
          toolSpec: {
            name: WEATHER_TOOL.name,
            description: WEATHER_TOOL.description,
            inputSchema: { json: WEATHER_TOOL.schema },
          },
        },
      ],
    },
  },
  [
    { event: 'messageStart', payload: { role: 'assistant' } },
    {
      event: 'contentBlockDelta',
      payload: { contentBlockIndex: 0, delta: { text: 'It is sunny' } },
    },
    {
      event: 'contentBlockDelta',
      payload: { contentBlockIndex: 0, delta: { text: ' in Rome.' } },
    },
    {
      event: 'contentBlockStart',
      payload: {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 't2', name: 'get_weather' } },
      },
    },
    {
      event: 'contentBlockDelta',
      payload: {
        contentBlockIndex: 1,
        delta: { toolUse: { input: '{"city":' } },
      },
    },
    {
      event: 'contentBlockDelta',
      payload: {
        contentBlockIndex: 1,
        delta: { toolUse: { input: '"Paris"}' } },
      },
    },
    { event: 'messageStop', payload: { stopReason: 'tool_use' } },
    {
      event: 'metadata',
      payload: { usage: { inputTokens: 80, outputTokens: 30 } },
    },
  ],
);

/** The Anthropic body of the round above, for `tallyBedrockInput`. */
const ANTHROPIC_BODY = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 256,
  system: 'Be brief.',
  messages: [
    { role: 'user', content: 'Summarise the logs.' },
    {
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 't1',
          name: 'get_weather',
          input: { city: 'Rome' },
        },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 't1',
          content: [{ type: 'text', text: 'It is sunny in Rome.' }],
        },
      ],
    },
  ],
  tools: [
    {
      name: WEATHER_TOOL.name,
      description: WEATHER_TOOL.description,
      input_schema: WEATHER_TOOL.schema,
    },
  ],
};

/** An OpenAI-style stream (gpt-oss) that fails after two chunks. */
const GPT_OSS_FAILS = streamRecording(
  'gpt-oss-stream-fails',
  `${BEDROCK_URL}/openai.gpt-oss-120b-1%3A0/invoke-with-response-stream`,
  {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Summarise the logs.' },
    ],
    max_completion_tokens: 256,
  },
  [
    invokeModelChunk({
      choices: [
        { index: 0, delta: { role: 'assistant', content: 'The logs' } },
      ],
    }),
    invokeModelChunk({ choices: [{ index: 0, delta: { content: ' show' } }] }),
    { exception: 'modelStreamErrorException', message: 'Model stream error.' },
  ],
);

/** A Titan stream without its last chunk, which carries the counts. */
const TITAN_CUT_SHORT = streamRecording(
  'titan-stream-cut-short',
  `${BEDROCK_URL}/amazon.titan-text-express-v1/invoke-with-response-stream`,
  { inputText: 'Summarise the logs.' },
  [invokeModelChunk({ outputText: 'The logs show', index: 0 })],
);

const servers: Record<string, ReplayServer> = {};

beforeAll(async () => {
  // A pause between events lets a test stop or abort mid-stream.
  servers.converse = await startReplay(
    [recording('bedrock--converse-stream')],
    20,
  );
  servers.converseError = await startReplay([
    recording('bedrock--converse-stream-error'),
  ]);
  servers.anthropic = await startReplay(
    [recording('bedrock--invoke-model-stream-anthropic')],
    20,
  );
  servers.llama = await startReplay(
    [recording('bedrock--invoke-model-stream-llama')],
    20,
  );
  servers.built = await startReplay(
    [CONVERSE_TOOLS, GPT_OSS_FAILS, TITAN_CUT_SHORT],
    20,
  );
});
afterEach(() => tracing.reset());
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
  instrumentation.disable();
  await tracing.shutdown();
});

/** Sends a recording's request and reads `count` events of its stream. */
async function readSome(
  server: ReplayServer,
  source: Recording,
  count: number,
): Promise<unknown[]> {
  const output: any = await createClient(server.origin).send(
    commandFor(source) as any,
  );
  const events: unknown[] = [];
  for await (const event of output.stream ?? output.body) {
    events.push(event);
    if (events.length === count) {
      break;
    }
  }
  return events;
}

async function onlySpan(): Promise<ReadableSpan> {
  const [span] = await waitForSpans(() => tracing.spans(), 1);
  return span!;
}

describe('BedrockRuntimeInstrumentation, streams without counts', () => {
  it('estimates a ConverseStream the app stops reading', async () => {
    await readSome(servers.converse!, recording('bedrock--converse-stream'), 2);

    const span = await onlySpan();
    // Input: "Give me a haiku about tracing." (8) as a user message (3 +
    // "user" 1), plus 3 for the reply: 15, where Nova reported 11. Output:
    // the one delta read, "Spans link hand to hand," (7).
    expect(tokenCounts(span)).toEqual({ input: 15, output: 7 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      APPROXIMATE,
    );
  });

  it('estimates a ConverseStream the app aborts', async () => {
    const controller = new AbortController();
    const output: any = await createClient(servers.converse!.origin).send(
      commandFor(recording('bedrock--converse-stream')) as any,
      { abortSignal: controller.signal },
    );
    // The SDK ends an aborted stream quietly or with an AbortError, the
    // same with and without tokenmeter.
    await (async () => {
      for await (const event of output.stream) {
        if (event.contentBlockDelta) {
          controller.abort();
        }
      }
    })().catch(() => undefined);

    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // As above: 15 input, and the delta read before the abort, 7.
    expect(tokenCounts(span)).toEqual({ input: 15, output: 7 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
  });

  it('estimates a ConverseStream that fails mid-stream', async () => {
    const failure = await readSome(
      servers.converseError!,
      recording('bedrock--converse-stream-error'),
      Infinity,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    const span = await onlySpan();
    expect((failure as Error).name).toBe('ThrottlingException');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // Input: "Write a long essay." (5), 3 + 1 for the message and 3 for the
    // reply: 12. Output: "Observability began" (3), read before the error.
    expect(tokenCounts(span)).toEqual({ input: 12, output: 3 });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      APPROXIMATE,
    );
  });

  it('estimates system prompts, tools and tool results', async () => {
    await readSome(servers.built!, CONVERSE_TOOLS, 5);

    const span = await onlySpan();
    // Messages: the system prompt (3 + "system" 1 + "You report the
    // weather." 5 = 9; the cache point has no text), the question (3 + 1 +
    // "Weather in Rome?" 4 = 8), the tool use (3 + "assistant" 1 +
    // "get_weather" 2 + '{"city":"Rome"}' 5 = 11), the tool result (3 + 1 +
    // '{"temperature":22}' 5 = 9), and 3 for the reply: 40. The tool: 7,
    // "get_weather:Get the weather" 5, 3, 3 and "city:string:A city" 4, and
    // 12: 34. Output: "It is sunny in Rome." (6), the tool name
    // "get_weather" (2) and its input so far '{"city":' (3).
    expect(tokenCounts(span)).toEqual({ input: 74, output: 11 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
  });

  it('estimates an OpenAI-style stream that fails', async () => {
    const failure = await readSome(
      servers.built!,
      GPT_OSS_FAILS,
      Infinity,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    const span = await onlySpan();
    expect((failure as Error).name).toBe('ModelStreamErrorException');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // Input: the system message (3 + 1 + "Be brief." 3 = 7) and the user
    // message (3 + 1 + "Summarise the logs." 6 = 10), and 3: 20. Output:
    // the deltas "The logs" and " show", "The logs show" (3).
    expect(tokenCounts(span)).toEqual({ input: 20, output: 3 });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      APPROXIMATE,
    );
  });

  it('keeps the counts of message_start', async () => {
    await readSome(
      servers.anthropic!,
      recording('bedrock--invoke-model-stream-anthropic'),
      4,
    );

    const span = await onlySpan();
    // message_start reported 12 input tokens (no cache reads or writes)
    // and a placeholder output of 1. The deltas read, "Bonjour" and " !",
    // are "Bonjour !" (2), the larger output.
    expect(tokenCounts(span)).toEqual({
      input: 12,
      output: 2,
      cacheRead: 0,
      cacheWrite: 0,
    });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      APPROXIMATE,
    );
  });

  it('keeps the running counts of Llama chunks', async () => {
    await readSome(
      servers.llama!,
      recording('bedrock--invoke-model-stream-llama'),
      2,
    );

    const span = await onlySpan();
    // The first chunk reported 19 input tokens, and the second a running
    // output count of 5, which "Jaeger is one." (5) does not exceed.
    expect(tokenCounts(span)).toEqual({ input: 19, output: 5 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBe(true);
  });

  it('estimates a Titan stream cut short', async () => {
    await readSome(servers.built!, TITAN_CUT_SHORT, Infinity);

    const span = await onlySpan();
    // A bare prompt contains its own template, so only "Summarise the logs."
    // (6) is counted. Output: "The logs show" (3).
    expect(tokenCounts(span)).toEqual({ input: 6, output: 3 });
    expect(span.attributes['tokenmeter.usage.estimate_method']).toBe(
      APPROXIMATE,
    );
  });

  it('leaves a stream read to its end unestimated', async () => {
    await readSome(
      servers.converse!,
      recording('bedrock--converse-stream'),
      Infinity,
    );

    const span = await onlySpan();
    expect(tokenCounts(span)).toEqual({ input: 11, output: 24 });
    expect(span.attributes['tokenmeter.usage.estimated']).toBeUndefined();
  });
});

describe('tallyBedrockInput', () => {
  it('converts an Anthropic Messages body', async () => {
    const counter = (await loadTokenCounter('o200k_base'))!;
    const tally = tallyBedrockInput(ANTHROPIC_BODY, 'o200k_base');

    // Messages: the system prompt (3 + 1 + "Be brief." 3 = 7), the user's
    // string content (3 + 1 + "Summarise the logs." 6 = 10), the tool_use
    // block (3 + "assistant" 1 + "get_weather" 2 + '{"city":"Rome"}' 5 =
    // 11), the tool_result's text (3 + 1 + "It is sunny in Rome." 6 = 10),
    // and 3: 41. The tool with its input_schema: 34, as in the Converse
    // round.
    expect(countTally(counter, tally)).toBe(75);
  });

  it('counts only the text of a bare prompt', () => {
    expect(
      tallyBedrockInput({ prompt: 'Hi', max_gen_len: 9 }, 'o200k_base'),
    ).toEqual({
      texts: ['Hi'],
      formatTokens: 0,
    });
  });
});
