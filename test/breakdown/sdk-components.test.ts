import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { markContext } from '../../src/breakdown/context.js';
import { BedrockRuntimeInstrumentation } from '../../src/instrumentation/bedrock/instrumentation.js';
import { GoogleGenAIInstrumentation } from '../../src/instrumentation/google-genai/instrumentation.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  BedrockModule,
  ConverseCommand,
  createClient as createBedrockClient,
  sendRecorded as sendBedrock,
} from '../instrumentation/bedrock/support.js';
import {
  createClient as createGoogleClient,
  GoogleGenAIModule,
  sendRecorded as sendGoogle,
} from '../instrumentation/google-genai/support.js';
import { recording } from '../support/recordings.js';
import {
  clientsFor,
  genAiSpans,
  instrumentBoth,
  send,
  type Clients,
} from '../support/sdk-clients.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

// A Claude response with a thinking block, a text block and a tool call:
// 96 output tokens, 40 of them thinking.
const TOOL_USE_REQUEST = {
  model: 'claude-3-7-sonnet-20250219',
  max_tokens: 1024,
  tools: [
    {
      name: 'get_weather',
      description: 'Returns the current weather of a city.',
      input_schema: {
        type: 'object',
        properties: { city: { type: 'string' } },
      },
    },
  ],
  messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
};
const TOOL_USE_MESSAGE = {
  id: 'msg_01ToolUse7Sonnet',
  type: 'message',
  role: 'assistant',
  model: 'claude-3-7-sonnet-20250219',
  content: [
    {
      type: 'thinking',
      thinking: 'The user asks for the weather, so I call get_weather.',
      signature: 'EqQBCkYIBxgCKkA',
    },
    { type: 'text', text: 'I will look up the weather in Oslo.' },
    {
      type: 'tool_use',
      id: 'toolu_01Weather',
      name: 'get_weather',
      input: { city: 'Oslo' },
    },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 380,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 96,
    output_tokens_details: { thinking_tokens: 40 },
  },
};

/** Builds the stream events of the same Message. */
function toolUseEvents(): Record<string, unknown>[] {
  const { content: _content, usage, ...message } = TOOL_USE_MESSAGE;
  return [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { ...usage, output_tokens: 1, output_tokens_details: null },
      },
    },
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    },
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'thinking_delta', thinking: 'I call get_weather.' },
    },
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'EqQBCkYIBxgCKkA' },
    },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'text', text: '' },
    },
    {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'text_delta', text: 'I will look up ' },
    },
    {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'text_delta', text: 'the weather in Oslo.' },
    },
    { type: 'content_block_stop', index: 1 },
    {
      type: 'content_block_start',
      index: 2,
      content_block: {
        type: 'tool_use',
        id: 'toolu_01Weather',
        name: 'get_weather',
        input: {},
      },
    },
    {
      type: 'content_block_delta',
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '{"city": ' },
    },
    {
      type: 'content_block_delta',
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '"Oslo"}' },
    },
    { type: 'content_block_stop', index: 2 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        output_tokens: 96,
        output_tokens_details: { thinking_tokens: 40 },
      },
    },
    { type: 'message_stop' },
  ];
}

/** Builds a `POST /v1/messages` exchange on the Messages API format. */
function toolUseRecording(streamed: boolean): Recording {
  const body = streamed
    ? toolUseEvents()
        .map(
          (event) =>
            `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`,
        )
        .join('')
    : TOOL_USE_MESSAGE;
  return {
    name: `anthropic-tool-use${streamed ? '-streaming' : ''}`,
    provider: 'anthropic',
    source: 'built by the tokenmeter tests on the Messages API format',
    exchanges: [
      {
        request: {
          method: 'POST',
          url: 'https://api.anthropic.com/v1/messages',
          body: { ...TOOL_USE_REQUEST, ...(streamed ? { stream: true } : {}) },
        },
        response: {
          status: 200,
          headers: {
            'content-type': streamed
              ? 'text/event-stream; charset=utf-8'
              : 'application/json',
          },
          body,
        },
      },
    ],
  };
}

const OPENAI_RECORDINGS = [
  'openai--tool-calling',
  'openai--set-function_call-attributes-in-span-for-stream-completion-when-multiple-tools-cal',
  'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
  'openai--contrib-responses-records-function-calls',
  'openai--contrib-responses-records-custom-tool-calls',
  'openai--contrib-streaming-responses-records-usage',
];

let server: ReplayServer;
let tracing: TestTracing;
let clients: Clients;
let uninstrument: () => void;
const google = new GoogleGenAIInstrumentation({ enabled: false });
const bedrock = new BedrockRuntimeInstrumentation({ enabled: false });

beforeAll(async () => {
  server = new ReplayServer({
    recordings: [
      ...OPENAI_RECORDINGS.map(recording),
      toolUseRecording(false),
      toolUseRecording(true),
    ],
    match: 'strict',
  });
  await server.start();
  tracing = setupTracing([new CostSpanProcessor()]);
  uninstrument = instrumentBoth();
  google.manuallyInstrument(GoogleGenAIModule);
  bedrock.manuallyInstrument(BedrockModule);
  google.enable();
  bedrock.enable();
  clients = clientsFor(server);
});

afterAll(async () => {
  uninstrument();
  google.disable();
  bedrock.disable();
  await tracing.shutdown();
  await server.close();
});

afterEach(() => tracing.reset());

/** Waits for the one GenAI span of a call, which may end after the call. */
async function onlyCall(): Promise<ReadableSpan> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const calls = genAiSpans(tracing.spans());
    if (calls.length > 0) {
      expect(calls).toHaveLength(1);
      return calls[0]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('Timed out waiting for the span of the call.');
}

/** Reads the tokens the processor gave each output component. */
function outputTokens(attributes: Attributes) {
  const tokens = (component: string) =>
    attributes[`tokenmeter.component.${component}.tokens`] as
      number | undefined;
  return {
    text: tokens('text'),
    toolCalls: tokens('tool_calls'),
    reasoning: tokens('reasoning'),
  };
}

/** Checks that the output components add up to the output tokens. */
function expectOutputSum(attributes: Attributes): void {
  const { text, toolCalls, reasoning } = outputTokens(attributes);
  expect((text ?? 0) + (toolCalls ?? 0) + (reasoning ?? 0)).toBe(
    attributes['gen_ai.usage.output_tokens'],
  );
  expect(attributes['tokenmeter.component.unknown.tokens']).toBeUndefined();
}

async function sendOpenAI(name: string): Promise<Attributes> {
  await send(clients, recording(name).exchanges[0]!.request);
  return (await onlyCall()).attributes;
}

describe('OpenAI output components', () => {
  it('gives a tool call response to tool_calls', async () => {
    const attributes = await sendOpenAI('openai--tool-calling');

    expect(attributes['tokenmeter.completion.components']).toEqual([
      'tool_calls',
    ]);
    expect(outputTokens(attributes)).toEqual({
      text: undefined,
      toolCalls: 18,
      reasoning: undefined,
    });
    expectOutputSum(attributes);
  });

  it('gives a text response to text', async () => {
    const attributes = await sendOpenAI(
      'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual(['text']);
    expect(outputTokens(attributes).text).toBe(3);
    expectOutputSum(attributes);
  });

  it('sizes the tool calls of a stream', async () => {
    const attributes = await sendOpenAI(
      'openai--set-function_call-attributes-in-span-for-stream-completion-when-multiple-tools-cal',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual([
      'tool_calls',
    ]);
    expect(outputTokens(attributes).toolCalls).toBeGreaterThan(0);
    expectOutputSum(attributes);
  });

  it('gives Responses function calls to tool_calls', async () => {
    const attributes = await sendOpenAI(
      'openai--contrib-responses-records-function-calls',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual([
      'tool_calls',
    ]);
    expect(outputTokens(attributes).toolCalls).toBe(
      attributes['gen_ai.usage.output_tokens'],
    );
    expectOutputSum(attributes);
  });

  it('gives a Responses custom tool call to tool_calls', async () => {
    const attributes = await sendOpenAI(
      'openai--contrib-responses-records-custom-tool-calls',
    );

    expect(outputTokens(attributes).toolCalls).toBeGreaterThan(0);
    expectOutputSum(attributes);
  });

  it('sizes the text of a Responses stream', async () => {
    const attributes = await sendOpenAI(
      'openai--contrib-streaming-responses-records-usage',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual(['text']);
    expect(outputTokens(attributes).text).toBe(4);
    expectOutputSum(attributes);
  });
});

describe.each([
  { name: 'own span', openTelemetry: false },
  { name: 'SDK span', openTelemetry: undefined },
])('Anthropic output components on the $name', ({ openTelemetry }) => {
  async function createMessage(stream: boolean): Promise<Attributes> {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const client = new Anthropic({
      baseURL: server.origin,
      apiKey: 'test',
      maxRetries: 0,
      ...(openTelemetry === false ? { openTelemetry } : {}),
    });
    if (stream) {
      const events = (await client.messages.create({
        ...(TOOL_USE_REQUEST as any),
        stream: true,
      })) as unknown as AsyncIterable<unknown>;
      for await (const _ of events) {
        // Reading every event lets the stream report its usage.
      }
    } else {
      await client.messages.create(TOOL_USE_REQUEST as any);
    }
    return (await onlyCall()).attributes;
  }

  it.each([false, true])(
    'splits text, tool use and thinking (stream: %s)',
    async (stream) => {
      const attributes = await createMessage(stream);

      expect(attributes['tokenmeter.completion.components']).toEqual([
        'text',
        'tool_calls',
      ]);
      const tokens = outputTokens(attributes);
      expect(tokens.text).toBeGreaterThan(0);
      expect(tokens.toolCalls).toBeGreaterThan(0);
      expectOutputSum(attributes);
    },
  );

  it('keeps no response text on the span', async () => {
    const attributes = await createMessage(false);

    const values = JSON.stringify(Object.values(attributes));
    expect(values).not.toContain('Oslo');
    expect(values).not.toContain('look up');
    expect(values).not.toContain('get_weather');
  });
});

describe('Anthropic reasoning', () => {
  it('takes the thinking count from usage', async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const client = new Anthropic({
      baseURL: server.origin,
      apiKey: 'test',
      maxRetries: 0,
      openTelemetry: false,
    } as any);
    await client.messages.create(TOOL_USE_REQUEST as any);

    const attributes = (await onlyCall()).attributes;
    expect(outputTokens(attributes).reasoning).toBe(40);
    expectOutputSum(attributes);
  });
});

/**
 * Replays one recording to a real client of an SDK and returns the
 * attributes of the call's span.
 */
async function sendRecording<Client>(
  name: string,
  createClient: (origin: string) => Client,
  send: (client: Client, recorded: Recording) => Promise<unknown>,
): Promise<Attributes> {
  const recorded = recording(name);
  const replay = new ReplayServer({ recordings: [recorded] });
  await replay.start();
  try {
    await send(createClient(replay.origin), recorded);
  } finally {
    await replay.close();
  }
  return (await onlyCall()).attributes;
}

const sendGoogleRecording = (name: string) =>
  sendRecording(name, createGoogleClient, sendGoogle);

describe('Google GenAI output components', () => {
  it('splits text, function calls and thoughts', async () => {
    const attributes = await sendGoogleRecording(
      'google--generate-content-function-call',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual([
      'text',
      'tool_calls',
    ]);
    const tokens = outputTokens(attributes);
    expect(tokens.reasoning).toBe(38);
    expect(tokens.text).toBeGreaterThan(0);
    expect(tokens.toolCalls).toBeGreaterThan(0);
    expectOutputSum(attributes);
  });

  it('sizes the function calls of a stream', async () => {
    const attributes = await sendGoogleRecording(
      'google--generate-content-stream-function-call',
    );

    const tokens = outputTokens(attributes);
    expect(tokens.text).toBeGreaterThan(0);
    expect(tokens.toolCalls).toBeGreaterThan(tokens.text!);
    expectOutputSum(attributes);
  });

  it('gives a text answer to text', async () => {
    const attributes = await sendGoogleRecording(
      'google--generate-content-stream',
    );

    expect(attributes['tokenmeter.completion.components']).toEqual(['text']);
    expect(outputTokens(attributes).text).toBe(41);
    expectOutputSum(attributes);
  });
});

const sendBedrockRecording = (name: string) =>
  sendRecording(name, createBedrockClient, sendBedrock);

describe('Bedrock output components', () => {
  it.each(['bedrock--converse-tool-use', 'bedrock--converse-stream-tool-use'])(
    'splits text and tool use of %s',
    async (name) => {
      const attributes = await sendBedrockRecording(name);

      expect(attributes['tokenmeter.completion.components']).toEqual([
        'text',
        'tool_calls',
      ]);
      const tokens = outputTokens(attributes);
      expect(tokens.text).toBeGreaterThan(0);
      expect(tokens.toolCalls).toBeGreaterThan(0);
      expectOutputSum(attributes);
    },
  );

  it.each([
    ['bedrock--converse-stream', 24],
    ['bedrock--invoke-model-anthropic', 142],
    ['bedrock--invoke-model-nova', 12],
    ['bedrock--invoke-model-llama', 96],
    ['bedrock--invoke-model-titan', 21],
    ['bedrock--invoke-model-mistral', 64],
    ['bedrock--invoke-model-stream-anthropic', 7],
    ['bedrock--invoke-model-stream-llama', 6],
  ])('gives the text of %s to text', async (name, output) => {
    const attributes = await sendBedrockRecording(name);

    expect(attributes['tokenmeter.completion.components']).toEqual(['text']);
    expect(outputTokens(attributes).text).toBe(output);
    expectOutputSum(attributes);
  });
});

const DOCUMENTS =
  'Oslo forecasts come from the Norwegian Meteorological Institute.';
const QUESTION = 'What is the weather in Oslo?';

/** Reads the tokens the processor gave each input component. */
function inputTokens(attributes: Attributes): Record<string, number> {
  const components = attributes['tokenmeter.prompt.components'] as string[];
  return Object.fromEntries(
    components.map((component) => [
      component,
      attributes[`tokenmeter.component.${component}.tokens`] as number,
    ]),
  );
}

describe('prompt components of Google GenAI and Bedrock', () => {
  it('sizes a Gemini agent loop by component', async () => {
    const replay = new ReplayServer({
      recordings: [recording('google--generate-content-function-call')],
    });
    await replay.start();
    try {
      await createGoogleClient(replay.origin).models.generateContent({
        model: 'gemini-2.5-flash',
        contents: [
          markContext({ role: 'user', parts: [{ text: DOCUMENTS }] }),
          { role: 'user', parts: [{ text: QUESTION }] },
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              {
                functionResponse: {
                  name: 'get_weather',
                  response: { forecast: 'Sunny, 21 degrees.' },
                },
              },
            ],
          },
        ],
        config: {
          systemInstruction: 'You are a weather assistant.',
          tools: [
            {
              functionDeclarations: [
                { name: 'get_weather', description: 'Returns the weather.' },
              ],
            },
          ],
        },
      });
    } finally {
      await replay.close();
    }

    const attributes = (await onlyCall()).attributes;
    expect(attributes['tokenmeter.prompt.components']).toEqual([
      'tool_definitions',
      'system',
      'context',
      'user_input',
      'history',
      'tool_results',
    ]);
    const sizes = attributes['tokenmeter.prompt.sizes'] as number[];
    expect(sizes[1]).toBe('You are a weather assistant.'.length);
    expect(sizes[2]).toBe(DOCUMENTS.length);
    expect(sizes[3]).toBe(QUESTION.length);
    const tokens = Object.values(inputTokens(attributes));
    expect(tokens.reduce((sum, count) => sum + count, 0)).toBe(
      attributes['gen_ai.usage.input_tokens'],
    );
  });

  it('sizes a Bedrock Converse agent loop by component', async () => {
    const replay = new ReplayServer({
      recordings: [recording('bedrock--converse-tool-use')],
    });
    await replay.start();
    try {
      await createBedrockClient(replay.origin).send(
        new ConverseCommand({
          modelId: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
          system: [{ text: 'You are a weather assistant.' }],
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: 'get_weather',
                  inputSchema: { json: { type: 'object' } },
                },
              },
            ],
          },
          messages: [
            {
              role: 'user',
              content: [markContext({ text: DOCUMENTS }), { text: QUESTION }],
            },
            {
              role: 'assistant',
              content: [
                {
                  toolUse: {
                    toolUseId: 'tooluse_1',
                    name: 'get_weather',
                    input: { city: 'Oslo' },
                  },
                },
              ],
            },
            {
              role: 'user',
              content: [
                {
                  toolResult: {
                    toolUseId: 'tooluse_1',
                    content: [{ json: { forecast: 'Sunny, 21 degrees.' } }],
                  },
                },
              ],
            },
          ],
        }),
      );
    } finally {
      await replay.close();
    }

    const attributes = (await onlyCall()).attributes;
    expect(attributes['tokenmeter.prompt.components']).toEqual([
      'tool_definitions',
      'system',
      'context',
      'user_input',
      'history',
      'tool_results',
    ]);
    const sizes = attributes['tokenmeter.prompt.sizes'] as number[];
    expect(sizes[2]).toBe(DOCUMENTS.length);
    expect(sizes[3]).toBe(QUESTION.length);
    expect(sizes[5]).toBe(
      JSON.stringify({ forecast: 'Sunny, 21 degrees.' }).length,
    );
    const tokens = Object.values(inputTokens(attributes));
    expect(tokens.reduce((sum, count) => sum + count, 0)).toBe(412);
  });

  it('sizes an InvokeModel bare prompt', async () => {
    const attributes = await sendBedrockRecording(
      'bedrock--invoke-model-llama',
    );

    expect(attributes['tokenmeter.prompt.components']).toEqual(['user_input']);
    expect(attributes['tokenmeter.component.user_input.tokens']).toBe(18);
  });
});
