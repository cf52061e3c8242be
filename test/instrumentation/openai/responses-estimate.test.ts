import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD,
} from '../../../src/semconv.js';
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
  type OpenAI,
} from './support.js';

// Every count in this file is in o200k_base, the encoding of gpt-4o-mini
// and o4-mini, by the chat completion rules. A message adds 3 tokens and
// its role, and the reply 3. A tool adds 7 and its `name:description`, 3
// for its properties, 3 and `key:type:description` per property, and the
// tool list 12 at its end.

const STREAM = recording('openai--contrib-streaming-responses-records-usage');

/** The events of a streamed response, as far as the tests read them. */
type ResponseEventStream = AsyncIterable<{ type: string; delta?: string }> & {
  controller: AbortController;
};

/** Writes events as a server-sent event stream, one `data:` line each. */
function eventStream(events: (object | string)[]): string {
  return events
    .map((event) =>
      typeof event === 'string' ? event : `data: ${JSON.stringify(event)}\n\n`,
    )
    .join('');
}

function responsesRecording(
  name: string,
  body: Record<string, unknown>,
  response: { status?: number; body: unknown },
): Recording {
  const streamed = typeof response.body === 'string';
  return recordingOf(name, {
    request: {
      method: 'POST',
      url: 'https://api.openai.com/v1/responses',
      body,
    },
    response: {
      status: response.status ?? 200,
      headers: {
        'content-type': streamed ? 'text/event-stream' : 'application/json',
      },
      body: response.body,
    },
  });
}

/** A function calling round with every kind of input item and a tool. */
const TOOL_REQUEST = {
  model: 'gpt-4o-mini',
  instructions: 'You report the weather.',
  input: [
    { role: 'user', content: 'What is the weather in Paris?' },
    {
      type: 'function_call',
      call_id: 'call_1',
      name: 'get_weather',
      arguments: '{"location":"Paris"}',
    },
    {
      type: 'function_call_output',
      call_id: 'call_1',
      output: '{"temperature":22}',
    },
    { role: 'user', content: [{ type: 'input_text', text: 'And in Rome?' }] },
  ],
  tools: [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Get the weather.',
      parameters: {
        type: 'object',
        properties: { location: { type: 'string', description: 'A city' } },
      },
    },
  ],
  stream: true,
};

const CREATED = {
  type: 'response.created',
  response: { id: 'resp_1', model: 'gpt-4o-mini-2024-07-18', output: [] },
};

const TOOL_CALL = responsesRecording('tool-call-stream', TOOL_REQUEST, {
  body: eventStream([
    CREATED,
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'function_call', name: 'get_weather', arguments: '' },
    },
    {
      type: 'response.function_call_arguments.delta',
      output_index: 0,
      delta: '{"location":',
    },
    {
      type: 'response.function_call_arguments.delta',
      output_index: 0,
      delta: '"Rome"}',
    },
    {
      type: 'response.completed',
      response: {
        ...CREATED.response,
        status: 'completed',
        usage: { input_tokens: 90, output_tokens: 16 },
      },
    },
  ]),
});

const REASONING = responsesRecording(
  'reasoning-stream',
  { model: 'o4-mini', input: 'Weather in Rome?', stream: true },
  {
    body: eventStream([
      { ...CREATED, response: { ...CREATED.response, model: 'o4-mini' } },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'reasoning', summary: [] },
      },
      {
        type: 'response.reasoning_summary_text.delta',
        output_index: 0,
        delta: 'Checking the capital.',
      },
      {
        type: 'response.output_item.added',
        output_index: 1,
        item: { type: 'message', role: 'assistant', content: [] },
      },
      { type: 'response.output_text.delta', output_index: 1, delta: 'Rome' },
      { type: 'response.output_text.delta', output_index: 1, delta: ' is' },
    ]),
  },
);

const FAILING = responsesRecording(
  'failing-stream',
  { model: 'gpt-4o-mini', input: 'Which ocean is largest?', stream: true },
  {
    body: eventStream([
      CREATED,
      {
        type: 'response.output_text.delta',
        output_index: 0,
        delta: 'Atlantic',
      },
      'event: error\ndata: {"type":"error","code":"server_error",' +
        '"message":"The server had an error."}\n\n',
    ]),
  },
);

/** A stream whose response fails, reporting the usage it had. */
const FAILED_RESPONSE = responsesRecording(
  'failed-response-stream',
  { model: 'gpt-4o-mini', input: 'Which sea is saltiest?', stream: true },
  {
    body: eventStream([
      CREATED,
      {
        type: 'response.failed',
        response: {
          ...CREATED.response,
          status: 'failed',
          error: { code: 'rate_limit_exceeded', message: 'Slow down.' },
          usage: { input_tokens: 12, output_tokens: 0 },
        },
      },
    ]),
  },
);

/** A Responses API body without `usage`, as some compatible servers send. */
const NO_USAGE = responsesRecording(
  'responses-without-usage',
  requestBody(
    recording('openai--contrib-responses-records-system-instructions'),
  ),
  {
    body: {
      id: 'resp_no_usage',
      object: 'response',
      status: 'completed',
      model: 'gpt-4o-mini-2024-07-18',
      output: [
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'South Atlantic Ocean.' }],
        },
        {
          type: 'function_call',
          name: 'get_weather',
          arguments: '{"location":"Rome"}',
        },
      ],
    },
  },
);

const CHAT_NO_USAGE = recordingOf('chat-without-usage', {
  request: {
    method: 'POST',
    url: 'https://api.openai.com/v1/chat/completions',
    body: {
      model: 'gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content:
            'Answer in up to 3 words: Which ocean contains Bouvet Island?',
        },
      ],
    },
  },
  response: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: {
      id: 'chatcmpl-no-usage',
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: 'South Atlantic Ocean.',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"location":"Rome"}',
                },
              },
            ],
          },
        },
      ],
    },
  },
});

describe('OpenAIInstrumentation Responses API usage estimates', () => {
  let tracing: TestTracing;
  let server: ReplayServer;
  let client: OpenAI;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(async () => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
    server = await startReplay(
      [
        STREAM,
        TOOL_CALL,
        REASONING,
        FAILING,
        FAILED_RESPONSE,
        NO_USAGE,
        CHAT_NO_USAGE,
      ],
      { match: 'strict' },
    );
    client = createClient(server);
  });
  afterEach(() => {
    tracing.reset();
  });
  afterAll(async () => {
    instrumentation.disable();
    await server.close();
    await tracing.shutdown();
  });

  /** Sends a recorded streamed request through `responses.create`. */
  function streamOf(source: Recording): Promise<ResponseEventStream> {
    const params = requestBody(source) as never;
    return client.responses.create(
      params,
    ) as unknown as Promise<ResponseEventStream>;
  }

  it('estimates a stream the app stops reading', async () => {
    const stream = await streamOf(STREAM);
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') {
        break;
      }
    }

    const { attributes } = await onlySpan(tracing);
    // Input: the string input is a user message, "Answer in up to 3 words:
    // Which ocean contains Bouvet Island?" (15) and "user" (1), plus 3 for
    // the message and 3 for the reply: 22, as the completed stream
    // reports. Output: the one delta read, "South " (2).
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(2);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD]).toBe(
      'tokenizer:o200k_base',
    );
    expect(attributes[ATTR_GEN_AI_RESPONSE_ID]).toBe('resp_stream_usage');
  });

  it('estimates a stream the app aborts', async () => {
    const stream = await streamOf(STREAM);
    const deltas: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') {
        deltas.push(event.delta!);
        if (deltas.length === 2) {
          stream.controller.abort();
        }
      }
    }

    const { attributes, status } = await onlySpan(tracing);
    // Output: "South Atlantic " (3), the two deltas read before the abort.
    expect(deltas.join('')).toBe('South Atlantic ');
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    expect(status.code).toBe(SpanStatusCode.UNSET);
  });

  it('keeps reported usage of a stream read to its end', async () => {
    await readAll(await streamOf(STREAM));

    const { attributes } = await onlySpan(tracing);
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBeUndefined();
  });

  it('estimates every kind of input item and tool', async () => {
    const stream = await streamOf(TOOL_CALL);
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') {
        break;
      }
    }

    const { attributes } = await onlySpan(tracing);
    // Messages: the instructions (3 + "developer" 1 + "You report the
    // weather." 5 = 9), the user question (3 + 1 + 7 = 11), the function
    // call as an assistant tool call (3 + "assistant" 1 + "get_weather" 2
    // + its arguments 5 = 11), its output as a tool message (3 + "tool" 1
    // + the output 5 + "call_1" 3 = 12) and the user's text part (3 + 1 +
    // "And in Rome?" 4 = 8), plus 3 for the reply: 54. The tool: 7,
    // "get_weather:Get the weather" 5, 3 for its properties, 3 and
    // "location:string:A city" 4, and 12: 34. In all 88, where the
    // completed stream would report 90.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(88);
    // The call's name "get_weather" (2) and its first arguments delta
    // '{"location":' (3).
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(5);
  });

  it('counts reasoning summaries as output', async () => {
    await readAll(await streamOf(REASONING));

    const { attributes } = await onlySpan(tracing);
    // Input: "Weather in Rome?" (4) and "user" (1), plus 3 and 3: 11.
    // Output: the summary "Checking the capital." (4) and the text
    // "Rome is" (2). The stream ends without a final event, so its usage
    // is estimated even though the app read it to its end.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(11);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(6);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD]).toBe(
      'tokenizer:o200k_base',
    );
  });

  it('estimates a stream with an error event', async () => {
    const stream = await streamOf(FAILING);
    const read = await readAll(stream).then(
      (events) => ({ events, failure: undefined }),
      (failure: unknown) => ({ events: [], failure }),
    );

    const { attributes, status } = await onlySpan(tracing);
    // openai 7 throws the error event; openai 6 and earlier hand it to the
    // app as the last item. The span fails either way.
    if (read.failure === undefined) {
      expect(read.events.at(-1)).toMatchObject({ type: 'error' });
      expect(attributes[ATTR_ERROR_TYPE]).toBe('server_error');
    } else {
      expect(read.failure).toBeInstanceOf(Error);
    }
    expect(status.code).toBe(SpanStatusCode.ERROR);
    // Input: "Which ocean is largest?" (5) and "user" (1), plus 3 and 3:
    // 12. Output: "Atlantic" (1), streamed before the error.
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(1);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
  });

  it('fails the span on response.failed', async () => {
    const events = await readAll(await streamOf(FAILED_RESPONSE));

    const { attributes, status } = await onlySpan(tracing);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed' });
    expect(status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'Slow down.',
    });
    expect(attributes[ATTR_ERROR_TYPE]).toBe('rate_limit_exceeded');
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(0);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBeUndefined();
  });

  it('estimates a response without usage', async () => {
    const response = await client.responses.create(
      requestBody(NO_USAGE) as never,
    );

    const { attributes } = await onlySpan(tracing);
    expect(response.id).toBe('resp_no_usage');
    // Input: the instructions "Answer in up to 3 words." (8) as a developer
    // message (3 + 1), the input "Which ocean contains Bouvet Island?" (7)
    // as a user message (3 + 1), and 3 for the reply: 26, where OpenAI
    // reported 28 for this request. Output: "South Atlantic Ocean." (4),
    // "get_weather" (2) and '{"location":"Rome"}' (5).
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(26);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(11);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD]).toBe(
      'tokenizer:o200k_base',
    );
  });

  it('estimates a chat completion without usage', async () => {
    const completion = await client.chat.completions.create(
      requestBody(CHAT_NO_USAGE) as never,
    );

    const { attributes } = await onlySpan(tracing);
    expect(completion.id).toBe('chatcmpl-no-usage');
    // Input: 22, as for the streamed prompt above. Output: "South Atlantic
    // Ocean." (4), "get_weather" (2) and '{"location":"Rome"}' (5).
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(22);
    expect(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(11);
    expect(attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBe(true);
  });
});
