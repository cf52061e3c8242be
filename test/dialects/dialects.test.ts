import { describe, expect, it } from 'vitest';

import { readGenAiCall } from '../../src/usage/read-call.js';
import type { AttributeMap, GenAiCall } from '../../src/usage/types.js';

// Attribute maps as the real instrumentations write them (see
// peer-instrumentations.test.ts and ai-sdk.test.ts, which run them).

function callOf(attributes: AttributeMap, scope?: string): GenAiCall {
  const reading = readGenAiCall(attributes, scope);
  if (reading.kind !== 'call') {
    throw new Error(`Expected a call, got ${JSON.stringify(reading)}`);
  }
  return reading.call;
}

const MALFORMED: unknown[] = [-1, Number.NaN, Number.POSITIVE_INFINITY, '12'];

describe('OpenLLMetry dialect', () => {
  const LEGACY = {
    'gen_ai.system': 'OpenAI',
    'llm.request.type': 'chat',
    'gen_ai.request.model': 'gpt-3.5-turbo',
    'gen_ai.response.model': 'gpt-3.5-turbo-0125',
    'llm.usage.total_tokens': 35,
    'gen_ai.usage.prompt_tokens': 15,
    'gen_ai.usage.completion_tokens': 20,
  };

  it('reads the legacy names of 0.22', () => {
    expect(callOf(LEGACY)).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-3.5-turbo',
      responseModel: 'gpt-3.5-turbo-0125',
      usage: { inputTokens: 15, outputTokens: 20 },
    });
  });

  it('maps capitalised systems to provider names', () => {
    const cases: [string, string][] = [
      ['Anthropic', 'anthropic'],
      ['AWS', 'aws.bedrock'],
      ['Azure', 'azure.ai.openai'],
      ['OpenRouter', 'openrouter'],
    ];
    for (const [system, provider] of cases) {
      expect(callOf({ ...LEGACY, 'gen_ai.system': system }).provider).toBe(
        provider,
      );
    }
  });

  it('maps llm.request.type completion to text_completion', () => {
    const call = callOf({ ...LEGACY, 'llm.request.type': 'completion' });
    expect(call.operation).toBe('text_completion');
  });

  it('reads the legacy cache and reasoning names', () => {
    const call = callOf({
      ...LEGACY,
      'gen_ai.usage.prompt_tokens': 100,
      'gen_ai.usage.cache_read_input_tokens': 60,
      'gen_ai.usage.cache_creation_input_tokens': 10,
      'gen_ai.usage.reasoning_tokens': 5,
    });
    expect(call.usage).toMatchObject({
      inputTokens: 100,
      cacheReadTokens: 60,
      cacheWriteTokens: 10,
      reasoningTokens: 5,
    });
  });

  it('adds cache tokens to Anthropic input from its scope', () => {
    const attributes = {
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 4000,
      'gen_ai.usage.cache_read.input_tokens': 1500,
      'gen_ai.usage.cache_creation.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 550,
    };

    expect(
      callOf(attributes, '@traceloop/instrumentation-anthropic').usage
        .inputTokens,
    ).toBe(6500);
    // Without the scope, the conventions' meaning is taken.
    expect(callOf(attributes).usage.inputTokens).toBe(4000);
  });

  it.each(MALFORMED)('rejects a count of %s', (value) => {
    const reading = readGenAiCall({
      ...LEGACY,
      'gen_ai.usage.completion_tokens': value,
    });
    expect(reading).toMatchObject({
      kind: 'invalid',
      attribute: 'gen_ai.usage.completion_tokens',
    });
  });
});

describe('OpenInference dialect', () => {
  const RESPONSES = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-mini-2024-07-18',
    'llm.system': 'openai',
    'llm.token_count.completion': 26,
    'llm.token_count.prompt': 14,
    'llm.token_count.total': 40,
    'llm.token_count.prompt_details.cache_read': 13,
    'llm.token_count.completion_details.reasoning': 0,
  };

  it('reads the token counts and the model', () => {
    expect(callOf(RESPONSES)).toEqual({
      provider: 'openai',
      operation: 'chat',
      requestModel: undefined,
      responseModel: 'gpt-4o-mini-2024-07-18',
      usage: {
        inputTokens: 14,
        outputTokens: 26,
        cacheReadTokens: 13,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        estimated: false,
      },
    });
  });

  it('prefers llm.provider to llm.system', () => {
    const call = callOf({ ...RESPONSES, 'llm.provider': 'azure' });
    expect(call.provider).toBe('azure.ai.openai');
  });

  it.each(MALFORMED)('rejects a count of %s', (value) => {
    const reading = readGenAiCall({
      ...RESPONSES,
      'llm.token_count.prompt_details.cache_read': value,
    });
    expect(reading.kind).toBe('invalid');
  });
});

describe('AI SDK dialect', () => {
  const V4_ANTHROPIC = {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'anthropic.messages',
    'ai.model.id': 'claude-3-7-sonnet-20250219',
    'gen_ai.system': 'anthropic.messages',
    'ai.response.providerMetadata':
      '{"anthropic":{"cacheCreationInputTokens":1000,"cacheReadInputTokens":1500}}',
    'ai.usage.promptTokens': 4000,
    'ai.usage.completionTokens': 550,
    // Written too, with Anthropic's meaning; not the conventions'.
    'gen_ai.usage.input_tokens': 4000,
    'gen_ai.usage.output_tokens': 550,
  };

  it('adds Anthropic cache counts from the provider metadata', () => {
    expect(callOf(V4_ANTHROPIC)).toMatchObject({
      provider: 'anthropic',
      operation: 'chat',
      requestModel: 'claude-3-7-sonnet-20250219',
      usage: {
        inputTokens: 6500,
        cacheReadTokens: 1500,
        cacheWriteTokens: 1000,
        outputTokens: 550,
      },
    });
  });

  it('reads the raw usage that ai 5 keeps in the metadata', () => {
    const call = callOf({
      ...V4_ANTHROPIC,
      'ai.response.providerMetadata': JSON.stringify({
        anthropic: {
          usage: {
            input_tokens: 4000,
            cache_creation_input_tokens: 1000,
            cache_read_input_tokens: 1500,
          },
          cacheCreationInputTokens: 1000,
        },
      }),
    });
    expect(call.usage.inputTokens).toBe(6500);
  });

  it('keeps OpenAI input, which includes cache reads', () => {
    const call = callOf({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.responses',
      'ai.response.providerMetadata':
        '{"openai":{"cachedPromptTokens":13,"reasoningTokens":0}}',
      'ai.usage.promptTokens': 14,
      'ai.usage.completionTokens': 26,
    });
    expect(call.provider).toBe('openai');
    expect(call.usage).toMatchObject({ inputTokens: 14, cacheReadTokens: 13 });
  });

  it('reads the input details of ai 6', () => {
    const call = callOf({
      'ai.operationId': 'ai.generateText',
      'ai.model.provider': 'anthropic.messages',
      'ai.usage.inputTokens': 6500,
      'ai.usage.inputTokenDetails.noCacheTokens': 4000,
      'ai.usage.inputTokenDetails.cacheReadTokens': 1500,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 1000,
      'ai.usage.outputTokens': 550,
      'ai.usage.outputTokenDetails.reasoningTokens': 50,
    });
    expect(call.operation).toBe('invoke_agent');
    expect(call.usage).toMatchObject({
      inputTokens: 6500,
      cacheReadTokens: 1500,
      cacheWriteTokens: 1000,
      outputTokens: 550,
      reasoningTokens: 50,
    });
  });

  it('maps provider ids to provider names', () => {
    const cases: [string, string][] = [
      ['openai.chat', 'openai'],
      ['azure-openai.responses', 'azure.ai.openai'],
      ['google.vertex.chat', 'gcp.vertex_ai'],
      ['amazon-bedrock', 'aws.bedrock'],
      ['mistral.chat', 'mistral_ai'],
      ['acme.chat', 'acme.chat'],
    ];
    for (const [id, provider] of cases) {
      const call = callOf({ ...V4_ANTHROPIC, 'ai.model.provider': id });
      expect(call.provider).toBe(provider);
    }
  });

  it('reads the tokens of an embedding call', () => {
    const call = callOf({
      'ai.operationId': 'ai.embedMany.doEmbed',
      'ai.model.provider': 'openai.embedding',
      'ai.usage.tokens': 8,
    });
    expect(call.operation).toBe('embeddings');
    expect(call.usage.inputTokens).toBe(8);
  });

  it('ignores provider metadata that is not JSON', () => {
    const call = callOf({
      ...V4_ANTHROPIC,
      'ai.response.providerMetadata': '{"anthropic":{"cacheCreat',
    });
    expect(call.usage.inputTokens).toBe(4000);
  });

  it.each(MALFORMED)('rejects a metadata count of %s', (value) => {
    const reading = readGenAiCall({
      ...V4_ANTHROPIC,
      'ai.response.providerMetadata': JSON.stringify({
        anthropic: { cacheReadInputTokens: value },
      }),
    });
    // JSON turns NaN and Infinity into null, which reads as absent.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      expect(reading.kind).toBe('call');
    } else {
      expect(reading).toMatchObject({
        kind: 'invalid',
        attribute:
          'ai.response.providerMetadata.anthropic.cacheReadInputTokens',
      });
    }
  });

  it.each(MALFORMED)('rejects a usage count of %s', (value) => {
    const reading = readGenAiCall({
      ...V4_ANTHROPIC,
      'ai.usage.promptTokens': value,
    });
    expect(reading).toMatchObject({
      kind: 'invalid',
      attribute: 'ai.usage.promptTokens',
    });
  });

  it('finds nothing on a tool call span', () => {
    const reading = readGenAiCall({
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'get_weather',
    });
    expect(reading).toEqual({ kind: 'none' });
  });
});

describe('semconv dialect', () => {
  it('reads @ai-sdk/otel OpenTelemetry chat spans', () => {
    const call = callOf({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.usage.input_tokens': 6500,
      'gen_ai.usage.output_tokens': 550,
      'gen_ai.usage.cache_read.input_tokens': 1500,
      'gen_ai.usage.cache_creation.input_tokens': 1000,
    });
    expect(call.usage.inputTokens).toBe(6500);
  });

  it('reads gen_ai.system of instrumentation-openai 0.22', () => {
    const call = callOf({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-3.5-turbo',
      'server.address': 'api.openai.com',
      'gen_ai.usage.input_tokens': 15,
      'gen_ai.usage.output_tokens': 20,
    });
    expect(call).toMatchObject({
      provider: 'openai',
      serverAddress: 'api.openai.com',
    });
  });
});
