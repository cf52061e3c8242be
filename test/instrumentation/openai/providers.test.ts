import { diag, type DiagLogger } from '@opentelemetry/api';
import { AzureOpenAI } from 'openai';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  vi,
} from 'vitest';

import type { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import {
  parseProviderByHost,
  providerName,
} from '../../../src/instrumentation/openai/provider-name.js';
import { countWebSearches } from '../../../src/instrumentation/openai/usage.js';
import { resetWarnings } from '../../../src/internal/diag.js';
import { CostSpanProcessor } from '../../../src/processor/cost-span-processor.js';
import type { Recording } from '../../../src/replay/recording.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  instrumentOpenAI,
  OpenAI,
  onlySpan,
  recordingOf,
  startReplay,
} from './support.js';

/** Builds a stand-in client: `providerName` reads only these fields. */
function clientAt(baseURL: string, fields: Record<string, unknown> = {}) {
  return { baseURL, ...fields };
}

const HOSTS: [string, string][] = [
  ['https://api.openai.com/v1', 'openai'],
  ['https://eu.api.openai.com/v1', 'openai'],
  ['https://my-resource.openai.azure.com/openai/v1', 'azure.ai.openai'],
  ['https://my-resource.cognitiveservices.azure.com/openai', 'azure.ai.openai'],
  ['https://my-gateway.azure-api.net/openai', 'azure.ai.openai'],
  ['https://my-project.services.ai.azure.com/openai/v1', 'azure.ai.openai'],
  ['https://my-project.services.ai.azure.com/models', 'azure.ai.inference'],
  ['https://api.together.xyz/v1', 'together_ai'],
  ['https://api.groq.com/openai/v1', 'groq'],
  ['https://api.deepseek.com', 'deepseek'],
  ['https://api.deepseek.com/v1', 'deepseek'],
  ['https://api.mistral.ai/v1', 'mistral_ai'],
  ['https://openrouter.ai/api/v1', 'openrouter'],
  ['https://api.fireworks.ai/inference/v1', 'fireworks_ai'],
  ['https://api.x.ai/v1', 'x_ai'],
  ['https://api.perplexity.ai', 'perplexity'],
  ['https://api.cerebras.ai/v1', 'cerebras'],
  ['https://api.anthropic.com/v1/', 'anthropic'],
  ['https://generativelanguage.googleapis.com/v1beta/openai/', 'gcp.gemini'],
  [
    'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/openapi',
    'gcp.vertex_ai',
  ],
  [
    'https://aiplatform.googleapis.com/v1/projects/p/locations/global/endpoints/openapi',
    'gcp.vertex_ai',
  ],
  ['https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1', 'aws.bedrock'],
  // Hosts tokenmeter does not recognize speak the OpenAI API, most often
  // as gateways in front of OpenAI.
  ['http://localhost:8000/v1', 'openai'],
  ['http://localhost:11434/v1', 'openai'],
  ['http://vllm.internal:8000/v1', 'openai'],
  ['https://openai.example.com/v1', 'openai'],
  ['https://api.openai.com.evil.example/v1', 'openai'],
  ['http://[::1]:8080/v1', 'openai'],
];

describe('providerName', () => {
  it.each(HOSTS)('names %s %s', (baseURL, expected) => {
    expect(providerName(clientAt(baseURL))).toBe(expected);
  });

  it('names an AzureOpenAI client whatever its host', () => {
    const client = new AzureOpenAI({
      apiKey: 'test',
      apiVersion: '2024-10-21',
      baseURL: 'https://llm-proxy.internal/openai',
    });

    expect(providerName(client)).toBe('azure.ai.openai');
  });

  it('names the default OpenAI client openai', () => {
    expect(providerName(new OpenAI({ apiKey: 'test' }))).toBe('openai');
  });

  it('takes a name the app maps to the host', () => {
    const options = {
      providerByHost: { 'llm-gateway.internal': 'openai', localhost: 'x' },
    };

    expect(
      providerName(clientAt('https://llm-gateway.internal/v1'), options),
    ).toBe('openai');
    expect(providerName(clientAt('http://LOCALHOST:8000/v1'), options)).toBe(
      'x',
    );
  });

  it('prefers a host and port entry to a host entry', () => {
    const options = {
      providerByHost: { localhost: 'openai', 'localhost:8000': 'vllm' },
    };

    expect(providerName(clientAt('http://localhost:8000/v1'), options)).toBe(
      'vllm',
    );
    expect(providerName(clientAt('http://localhost:9000/v1'), options)).toBe(
      'openai',
    );
  });

  it('names a client without a base URL openai', () => {
    expect(providerName({})).toBe('openai');
    expect(providerName(undefined)).toBe('openai');
  });

  it('warns once per unrecognized host', () => {
    resetWarnings();
    const warn = vi.fn();
    diag.setLogger(
      { ...silentLogger(), warn },
      { suppressOverrideMessage: true },
    );
    try {
      providerName(clientAt('http://vllm.internal:8000/v1'));
      providerName(clientAt('http://vllm.internal:8000/v1'));

      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.join(' ')).toContain(
        'TOKENMETER_OPENAI_PROVIDERS=vllm.internal=<provider>',
      );
    } finally {
      diag.disable();
    }
  });
});

describe('parseProviderByHost', () => {
  it('reads host=provider pairs', () => {
    expect(
      parseProviderByHost(' Gateway.Internal=openai, localhost:8000=vllm '),
    ).toEqual({ 'gateway.internal': 'openai', 'localhost:8000': 'vllm' });
  });

  it('skips entries that are not pairs', () => {
    expect(parseProviderByHost('a=b,broken,c=d=e,=x,f=')).toEqual({ a: 'b' });
  });

  it('returns undefined for an empty value', () => {
    expect(parseProviderByHost(undefined)).toBeUndefined();
    expect(parseProviderByHost(' ')).toBeUndefined();
  });
});

describe('countWebSearches', () => {
  it('counts search actions only', () => {
    const output = [
      { type: 'web_search_call', action: { type: 'search', query: 'a' } },
      { type: 'web_search_call', action: { type: 'open_page', url: 'b' } },
      { type: 'web_search_call', action: { type: 'find_in_page' } },
      { type: 'web_search_call', action: 'search' },
      { type: 'web_search_call' },
      { type: 'message', content: [] },
    ];

    expect(countWebSearches(output)).toBe(3);
  });

  it('returns undefined without web search calls', () => {
    expect(countWebSearches([{ type: 'message' }])).toBeUndefined();
    expect(countWebSearches(undefined)).toBeUndefined();
  });
});

const AZURE_URL =
  'https://my-resource.openai.azure.com/openai/deployments/prod-chat/chat/completions?api-version=2024-10-21';

/** Builds an Azure chat completion, which names the deployment's model. */
function azureCompletion(body: unknown): Recording {
  return recordingOf('azure-chat', {
    request: { method: 'POST', url: AZURE_URL, body: {} },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body,
    },
  });
}

const AZURE_CHAT = azureCompletion({
  id: 'chatcmpl-azure',
  object: 'chat.completion',
  created: 1752728594,
  model: 'gpt-4o-2024-11-20',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hi.' },
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 1000,
    completion_tokens: 200,
    total_tokens: 1200,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  },
});

// Azure starts a stream with a chunk of content filter results whose id
// and model are empty.
const AZURE_STREAM: Recording = recordingOf('azure-chat-stream', {
  request: { method: 'POST', url: AZURE_URL, body: { stream: true } },
  response: {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: [
      {
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0 }],
      },
      {
        id: 'chatcmpl-azure',
        object: 'chat.completion.chunk',
        created: 1752728594,
        model: 'gpt-4o-2024-11-20',
        choices: [{ index: 0, delta: { content: 'Hi.' }, finish_reason: null }],
      },
      {
        id: 'chatcmpl-azure',
        object: 'chat.completion.chunk',
        created: 1752728594,
        model: 'gpt-4o-2024-11-20',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1000, completion_tokens: 200 },
      },
    ]
      .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
      .join('')
      .concat('data: [DONE]\n\n'),
  },
});

/** Builds a chat completion exchange with the given response model. */
function chatAnswer(model: string, extra: Record<string, unknown> = {}) {
  return recordingOf(`chat-${model}`, {
    request: {
      method: 'POST',
      url: 'https://api.example.com/v1/chat/completions',
      body: {},
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1752728594,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hi.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 1000, completion_tokens: 1000 },
        ...extra,
      },
    },
  });
}

describe('OpenAIInstrumentation providers', () => {
  let tracing: TestTracing;
  let instrumentation: OpenAIInstrumentation;
  let server: ReplayServer;

  beforeAll(() => {
    tracing = setupTracing([new CostSpanProcessor()]);
  });
  afterEach(async () => {
    instrumentation?.disable();
    await server?.close();
    tracing.reset();
  });
  afterAll(() => tracing.shutdown());

  async function serve(recordings: Recording[], providerByHost = {}) {
    instrumentation = instrumentOpenAI({ providerByHost });
    server = await startReplay(recordings);
  }

  function azureClient() {
    return new AzureOpenAI({
      apiKey: 'test',
      apiVersion: '2024-10-21',
      deployment: 'prod-chat',
      baseURL: `${server.origin}/openai`,
      maxRetries: 0,
    });
  }

  it('prices an AzureOpenAI call by the model it reports', async () => {
    await serve([AZURE_CHAT]);

    await azureClient().chat.completions.create({
      model: 'prod-chat',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.provider.name']).toBe('azure.ai.openai');
    expect(attributes['gen_ai.request.model']).toBe('prod-chat');
    expect(attributes['gen_ai.response.model']).toBe('gpt-4o-2024-11-20');
    // 1,000 x $2.50 + 200 x $10 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0045, 15);
    expect(attributes['tokenmeter.price.model']).toBe('gpt-4o');
  });

  it('keeps the model of an Azure stream past its empty first chunk', async () => {
    await serve([AZURE_STREAM]);

    const stream = await azureClient().chat.completions.create({
      model: 'prod-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) {
      // Reading to the end reports the usage.
    }

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.response.model']).toBe('gpt-4o-2024-11-20');
    expect(attributes['gen_ai.response.id']).toBe('chatcmpl-azure');
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0045, 15);
  });

  it('prices calls of an unrecognized host as OpenAI calls', async () => {
    await serve([chatAnswer('gpt-4o')]);
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.provider.name']).toBe('openai');
    expect(attributes['tokenmeter.price.provider']).toBe('openai');
    expect(attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
  });

  it('leaves calls of a host mapped to openai_compatible unpriced', async () => {
    await serve([chatAnswer('gpt-4o')], { '127.0.0.1': 'openai_compatible' });
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.provider.name']).toBe('openai_compatible');
    expect(attributes['tokenmeter.unpriced']).toBe(true);
    expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
  });

  it('prices a mapped host from its provider catalog', async () => {
    await serve([chatAnswer('llama-3.3-70b-versatile')], {
      '127.0.0.1': 'groq',
    });
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.provider.name']).toBe('groq');
    // Groq: 1,000 x $0.59 + 1,000 x $0.79 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.00138, 15);
  });

  it('records audio tokens and prices them', async () => {
    await serve(
      [
        chatAnswer('gpt-4o-audio-preview-2024-12-17', {
          usage: {
            prompt_tokens: 2000,
            completion_tokens: 600,
            prompt_tokens_details: { cached_tokens: 0, audio_tokens: 1500 },
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 500,
            },
          },
        }),
      ],
      { '127.0.0.1': 'openai' },
    );
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.chat.completions.create({
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['tokenmeter.usage.audio.input_tokens']).toBe(1500);
    expect(attributes['tokenmeter.usage.audio.output_tokens']).toBe(500);
    // 500 x $2.50 + 1,500 x $40 + 100 x $10 + 500 x $80 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.10225, 15);
  });

  it('prices the flex tier the response reports', async () => {
    await serve([chatAnswer('o3-2025-04-16', { service_tier: 'flex' })], {
      '127.0.0.1': 'openai',
    });
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.chat.completions.create({
      model: 'o3',
      service_tier: 'flex',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const { attributes } = await onlySpan(tracing);
    expect(attributes['gen_ai.openai.response.service_tier']).toBe('flex');
    expect(attributes['tokenmeter.price.service_tier']).toBe('flex');
    // o3 at half: 1,000 x $1 + 1,000 x $4 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.005, 15);
  });

  it('records and prices Responses API web searches', async () => {
    const search = recording(
      'openai--contrib-responses-records-web-search-calls',
    );
    await serve([search], { '127.0.0.1': 'openai' });
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
    });

    await client.responses.create(search.exchanges[0]!.request.body as never);

    const { attributes } = await onlySpan(tracing);
    expect(attributes['tokenmeter.usage.web_search.calls']).toBe(1);
    // gpt-4.1: 291 x $2 + 23 x $8 per million, and $10 per 1,000 searches.
    expect(attributes['tokenmeter.cost.web_search']).toBeCloseTo(0.01, 15);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.010766, 15);
  });
});

function silentLogger(): DiagLogger {
  return {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}
