import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TokenBudgetExceededError } from '../../src/budget/error.js';
import { budgetRegistry, configureBudgets } from '../../src/budget/registry.js';
import { BedrockRuntimeInstrumentation } from '../../src/instrumentation/bedrock/instrumentation.js';
import { GoogleGenAIInstrumentation } from '../../src/instrumentation/google-genai/instrumentation.js';
import { withInteraction } from '../../src/interaction/with-interaction.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  BedrockModule,
  BedrockRuntime,
  ConverseCommand,
  ConverseStreamCommand,
  createClient as createBedrockClient,
  InvokeModelCommand,
} from '../instrumentation/bedrock/support.js';
import {
  createClient as createGoogleClient,
  GoogleGenAIModule,
} from '../instrumentation/google-genai/support.js';
import { setupMetrics, total, type TestMetrics } from '../support/metrics.js';
import { recording } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

const WORDS_50K = 'lorem '.repeat(50_000);

// Requests that the replay server matches to the closest recording.
const GEMINI = {
  model: 'gemini-2.5-flash',
  contents: 'What is the weather in Oslo?',
  config: { maxOutputTokens: 1024 },
};
const CONVERSE = {
  modelId: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
  messages: [
    { role: 'user' as const, content: [{ text: 'What is the weather?' }] },
  ],
  inferenceConfig: { maxTokens: 1024, temperature: 0.2 },
};
const INVOKE_BODY = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 512,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Classify.' }] }],
};

// A Titan text embedding, built on the model's documented response body.
const TITAN_EMBEDDING: Recording = {
  name: 'titan-embedding',
  provider: 'bedrock',
  source: 'built by the tokenmeter tests on the Titan embeddings format',
  exchanges: [
    {
      request: {
        method: 'POST',
        url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke',
        body: { inputText: 'Embed me.' },
      },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { embedding: [0.1, -0.2], inputTextTokenCount: 4 },
      },
    },
  ],
};

let server: ReplayServer;
let tracing: TestTracing;
let meters: TestMetrics;
const google = new GoogleGenAIInstrumentation({ enabled: false });
const bedrock = new BedrockRuntimeInstrumentation({ enabled: false });

beforeAll(async () => {
  server = new ReplayServer({
    recordings: [
      recording('google--generate-content-function-call'),
      recording('google--generate-content-stream-function-call'),
      recording('bedrock--converse-tool-use'),
      recording('bedrock--converse-stream-tool-use'),
      recording('bedrock--invoke-model-anthropic'),
      TITAN_EMBEDDING,
    ],
  });
  await server.start();
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider }),
  ]);
  google.manuallyInstrument(GoogleGenAIModule);
  bedrock.manuallyInstrument(BedrockModule);
  google.enable();
  bedrock.enable();
});

afterAll(async () => {
  google.disable();
  bedrock.disable();
  await tracing.shutdown();
  await meters.shutdown();
  await server.close();
});

afterEach(() => {
  budgetRegistry().configure([]);
  tracing.reset();
  server.received.length = 0;
});

/** The span of the one model call, which may end after the call returns. */
async function onlyCall(): Promise<ReadableSpan> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const spans = tracing
      .spans()
      .filter((span) => span.attributes['gen_ai.operation.name'] !== undefined);
    if (spans.length > 0) {
      expect(spans).toHaveLength(1);
      return spans[0]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('Timed out waiting for the span of the call.');
}

function receivedBody(): Record<string, any> {
  expect(server.received).toHaveLength(1);
  return server.received[0]!.body as Record<string, any>;
}

async function exceededCount(feature: string, mode: string): Promise<number> {
  return total(await meters.collect(), 'tokenmeter.budget.exceeded', {
    'tokenmeter.feature': feature,
    'tokenmeter.budget.mode': mode,
  });
}

/** Checks the span of a call that a budget blocked. */
async function expectBlockedSpan(limit: string): Promise<void> {
  const span = await onlyCall();
  expect(span.attributes['error.type']).toBe('TokenBudgetExceededError');
  expect(span.attributes['tokenmeter.budget.action']).toBe('block');
  const [event] = span.events;
  expect(event?.name).toBe('tokenmeter.budget.exceeded');
  expect(event?.attributes?.['tokenmeter.budget.limit']).toBe(limit);
}

describe('Google GenAI budgets', () => {
  const client = () => createGoogleClient(server.origin);

  it('observe a call over budget and count it', async () => {
    configureBudgets([
      { feature: 'gemini-observe', maxOutputTokensPerCall: 100 },
    ]);

    await withInteraction({ feature: 'gemini-observe' }, () =>
      client().models.generateContent(GEMINI),
    );

    expect(receivedBody().generationConfig.maxOutputTokens).toBe(1024);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBe('observe');
    const [event] = span.events;
    expect(event?.name).toBe('tokenmeter.budget.exceeded');
    expect(event?.attributes?.['tokenmeter.budget.limit']).toBe(
      'max_output_tokens_per_call',
    );
    expect(event?.attributes?.['tokenmeter.budget.requested']).toBe(1024);
    expect(await exceededCount('gemini-observe', 'observe')).toBe(1);
  });

  it('clamp maxOutputTokens on a copy of the request', async () => {
    configureBudgets([
      { feature: 'gemini-clamp', mode: 'clamp', maxOutputTokensPerCall: 256 },
    ]);
    const params = { ...GEMINI, config: { ...GEMINI.config } };

    await withInteraction({ feature: 'gemini-clamp' }, () =>
      client().models.generateContent(params),
    );

    expect(receivedBody().generationConfig.maxOutputTokens).toBe(256);
    expect(params.config.maxOutputTokens).toBe(1024);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBe('clamp');
    expect(span.attributes['tokenmeter.budget.max_output_tokens']).toBe(256);
    expect(span.attributes['gen_ai.request.max_tokens']).toBe(256);
    expect(await exceededCount('gemini-clamp', 'clamp')).toBe(1);
  });

  it('clamp a stream that sets no limit', async () => {
    configureBudgets([
      { feature: '*', mode: 'clamp', maxOutputTokensPerCall: 64 },
    ]);
    const params = { model: 'gemini-2.5-flash', contents: 'Compare.' };

    const stream = await client().models.generateContentStream(params);
    for await (const _ of stream) {
      // Reading every chunk ends the span.
    }

    expect(receivedBody().generationConfig.maxOutputTokens).toBe(64);
    expect(params).toEqual({ model: 'gemini-2.5-flash', contents: 'Compare.' });
  });

  it('block an oversized prompt before it is sent', async () => {
    configureBudgets([
      { feature: 'gemini-block', mode: 'block', maxInputTokensPerCall: 8000 },
    ]);

    const error = await withInteraction({ feature: 'gemini-block' }, () =>
      client().models.generateContent({
        ...GEMINI,
        contents: `Summarize: ${WORDS_50K}`,
      }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TokenBudgetExceededError);
    expect((error as TokenBudgetExceededError).limit).toBe(
      'max_input_tokens_per_call',
    );
    expect(server.received).toEqual([]);
    await expectBlockedSpan('max_input_tokens_per_call');
    expect(await exceededCount('gemini-block', 'block')).toBe(1);
  });

  it('block a stream before it is sent', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 100 },
    ]);

    const attempt = client().models.generateContentStream(GEMINI);

    await expect(attempt).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(server.received).toEqual([]);
    await expectBlockedSpan('max_output_tokens_per_call');
  });
});

describe('Bedrock Converse budgets', () => {
  const client = () => createBedrockClient(server.origin);

  it('observe a call over budget and count it', async () => {
    configureBudgets([
      { feature: 'converse-observe', maxOutputTokensPerCall: 100 },
    ]);

    await withInteraction({ feature: 'converse-observe' }, () =>
      client().send(new ConverseCommand(CONVERSE)),
    );

    expect(receivedBody().inferenceConfig.maxTokens).toBe(1024);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBe('observe');
    const [event] = span.events;
    expect(event?.name).toBe('tokenmeter.budget.exceeded');
    expect(event?.attributes?.['tokenmeter.budget.requested']).toBe(1024);
    expect(await exceededCount('converse-observe', 'observe')).toBe(1);
  });

  it('clamp maxTokens on a copy of the command', async () => {
    configureBudgets([
      { feature: 'converse-clamp', mode: 'clamp', maxOutputTokensPerCall: 256 },
    ]);
    const input = {
      ...CONVERSE,
      inferenceConfig: { ...CONVERSE.inferenceConfig },
    };
    const command = new ConverseCommand(input);

    const output = await withInteraction({ feature: 'converse-clamp' }, () =>
      client().send(command),
    );

    expect(receivedBody().inferenceConfig).toEqual({
      maxTokens: 256,
      temperature: 0.2,
    });
    expect(command.input).toBe(input);
    expect(input.inferenceConfig.maxTokens).toBe(1024);
    expect(output.stopReason).toBe('tool_use');
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBe('clamp');
    expect(span.attributes['tokenmeter.budget.max_output_tokens']).toBe(256);
    expect(await exceededCount('converse-clamp', 'clamp')).toBe(1);
  });

  it('clamp a stream sent through the aggregated client', async () => {
    configureBudgets([
      { feature: '*', mode: 'clamp', maxOutputTokensPerCall: 64 },
    ]);
    const aggregated = new BedrockRuntime({
      region: 'us-east-1',
      endpoint: server.origin,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const { inferenceConfig: _unset, ...input } = {
      ...CONVERSE,
      modelId: 'amazon.nova-lite-v1:0',
    };

    const output = await aggregated.converseStream(input);
    for await (const _ of output.stream!) {
      // Reading every event ends the span.
    }

    expect(receivedBody().inferenceConfig).toEqual({ maxTokens: 64 });
    expect(input).not.toHaveProperty('inferenceConfig');
  });

  it('block a call and reject its promise', async () => {
    configureBudgets([
      { feature: 'converse-block', mode: 'block', maxInputTokensPerCall: 8000 },
    ]);
    const command = new ConverseCommand({
      ...CONVERSE,
      messages: [
        { role: 'user', content: [{ text: `Summarize: ${WORDS_50K}` }] },
      ],
    });

    const error = await withInteraction({ feature: 'converse-block' }, () =>
      client().send(command),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TokenBudgetExceededError);
    expect(server.received).toEqual([]);
    await expectBlockedSpan('max_input_tokens_per_call');
    expect(await exceededCount('converse-block', 'block')).toBe(1);
  });

  it('pass a blocked error to the callback', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 100 },
    ]);

    let returned: unknown = 'not returned';
    const results = await new Promise<unknown[]>((resolve) => {
      returned = client().send(
        new ConverseStreamCommand({
          ...CONVERSE,
          modelId: 'amazon.nova-lite-v1:0',
        }),
        (...args: unknown[]) => resolve(args),
      );
    });

    expect(returned).toBeUndefined();
    expect(results[0]).toBeInstanceOf(TokenBudgetExceededError);
    expect(results[1]).toBeUndefined();
    expect(server.received).toEqual([]);
    await expectBlockedSpan('max_output_tokens_per_call');
  });
});

describe('Bedrock InvokeModel budgets', () => {
  const client = () => createBedrockClient(server.origin);
  const invoke = () =>
    client().send(
      new InvokeModelCommand({
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        body: JSON.stringify(INVOKE_BODY),
      }),
    );

  it('let a clamped call go unchanged, as observe', async () => {
    configureBudgets([
      { feature: 'invoke-clamp', mode: 'clamp', maxOutputTokensPerCall: 64 },
    ]);

    await withInteraction({ feature: 'invoke-clamp' }, invoke);

    expect(receivedBody().max_tokens).toBe(512);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBe('observe');
    expect(
      span.attributes['tokenmeter.budget.max_output_tokens'],
    ).toBeUndefined();
    const [event] = span.events;
    expect(event?.attributes?.['tokenmeter.budget.requested']).toBe(512);
    expect(event?.attributes?.['tokenmeter.budget.mode']).toBe('clamp');
  });

  it('block a call whose body asks for too much', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 64 },
    ]);

    await expect(invoke()).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(server.received).toEqual([]);
    await expectBlockedSpan('max_output_tokens_per_call');
  });

  it('leave embeddings alone under an output limit', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 10 },
    ]);

    await client().send(
      new InvokeModelCommand({
        modelId: 'amazon.titan-embed-text-v2:0',
        body: JSON.stringify({ inputText: 'Embed me.' }),
      }),
    );

    expect(server.received).toHaveLength(1);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBeUndefined();
  });

  it('allow a call within its budget', async () => {
    configureBudgets([
      { feature: '*', mode: 'block', maxOutputTokensPerCall: 1000 },
    ]);

    await invoke();

    expect(server.received).toHaveLength(1);
    const span = await onlyCall();
    expect(span.attributes['tokenmeter.budget.action']).toBeUndefined();
    expect(span.attributes['tokenmeter.prompt.components']).toEqual([
      'user_input',
    ]);
  });
});
