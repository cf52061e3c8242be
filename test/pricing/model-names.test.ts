import { describe, expect, it } from 'vitest';

import { PriceCatalog } from '../../src/pricing/catalog.js';
import { computeCost } from '../../src/pricing/cost.js';
import {
  modelNameCandidates,
  withDashedDates,
} from '../../src/pricing/model-names.js';
import type { NormalizedUsage } from '../../src/usage/types.js';

const AT = Date.parse('2026-12-01T12:00:00Z');

// 1,000 input and 1,000 output tokens, so that the cost in USD is
// (input rate + output rate) / 1,000 with rates per million tokens.
const THOUSAND_EACH: NormalizedUsage = {
  inputTokens: 1000,
  outputTokens: 1000,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  estimated: false,
};

interface NameCase {
  provider: string | undefined;
  model: string;
  /** The catalog provider and model expected. */
  entry: string;
  /** The published input and output rates, USD per million tokens. */
  rates: [number, number];
}

// Names as spans carry them, by where they come from. The rates are the
// providers' list prices for the model, as the catalog has them.
// prettier-ignore
const NAMES: NameCase[] = [
  // OpenAI: aliases, dated snapshots, an old snapshot with its own price.
  { provider: 'openai', model: 'gpt-4o', entry: 'openai/gpt-4o', rates: [2.5, 10] },
  { provider: 'openai', model: 'gpt-4o-2024-11-20', entry: 'openai/gpt-4o', rates: [2.5, 10] },
  { provider: 'openai', model: 'gpt-4o-2024-08-06', entry: 'openai/gpt-4o', rates: [2.5, 10] },
  { provider: 'openai', model: 'gpt-4o-2024-05-13', entry: 'openai/gpt-4o-2024-05-13', rates: [5, 15] },
  { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', entry: 'openai/gpt-4o-mini', rates: [0.15, 0.6] },
  { provider: 'openai', model: 'gpt-4.1-2025-04-14', entry: 'openai/gpt-4.1', rates: [2, 8] },
  { provider: 'openai', model: 'gpt-4.1-mini-2025-04-14', entry: 'openai/gpt-4.1-mini', rates: [0.4, 1.6] },
  { provider: 'openai', model: 'gpt-5-2025-08-07', entry: 'openai/gpt-5', rates: [1.25, 10] },
  { provider: 'openai', model: 'gpt-5-nano-2025-08-07', entry: 'openai/gpt-5-nano', rates: [0.05, 0.4] },
  { provider: 'openai', model: 'o4-mini-2025-04-16', entry: 'openai/o4-mini', rates: [1.1, 4.4] },
  { provider: 'openai', model: 'gpt-3.5-turbo-0125', entry: 'openai/gpt-3.5-turbo', rates: [0.5, 1.5] },
  { provider: 'openai', model: 'openai/gpt-4o', entry: 'openai/gpt-4o', rates: [2.5, 10] },
  { provider: 'openai', model: 'GPT-4o-Mini', entry: 'openai/gpt-4o-mini', rates: [0.15, 0.6] },
  // Azure OpenAI responses name the model; Azure serves OpenAI's prices.
  { provider: 'azure.ai.openai', model: 'gpt-4o-2024-11-20', entry: 'azure/gpt-4o', rates: [2.5, 10] },
  { provider: 'azure.ai.openai', model: 'gpt-35-turbo', entry: 'azure/gpt-3.5-turbo', rates: [0.5, 1.5] },
  { provider: 'azure.ai.openai', model: 'o3-mini-2025-01-31', entry: 'azure/o3-mini', rates: [1.1, 4.4] },
  // Anthropic: dated ids, Vertex `@` ids, Bedrock ids and a context marker.
  { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219', entry: 'anthropic/claude-3-7-sonnet-latest', rates: [3, 15] },
  { provider: 'anthropic', model: 'claude-3-7-sonnet@20250219', entry: 'anthropic/claude-3-7-sonnet-latest', rates: [3, 15] },
  { provider: 'anthropic', model: 'claude-sonnet-4@20250514', entry: 'anthropic/claude-sonnet-4-0', rates: [3, 15] },
  { provider: 'anthropic', model: 'claude-sonnet-4[1m]', entry: 'anthropic/claude-sonnet-4-0', rates: [3, 15] },
  { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929[1m]', entry: 'anthropic/claude-sonnet-4-5', rates: [3, 15] },
  { provider: 'anthropic', model: 'claude-opus-4-1-20250805', entry: 'anthropic/claude-opus-4-1', rates: [15, 75] },
  { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', entry: 'anthropic/claude-haiku-4-5', rates: [1, 5] },
  { provider: 'anthropic', model: 'claude-3-5-haiku@20241022', entry: 'anthropic/claude-3-5-haiku-latest', rates: [0.8, 4] },
  { provider: 'anthropic', model: 'us.anthropic.claude-sonnet-4-20250514-v1:0', entry: 'anthropic/claude-sonnet-4-0', rates: [3, 15] },
  { provider: 'anthropic', model: 'anthropic.claude-3-haiku-20240307-v1:0', entry: 'anthropic/claude-3-haiku', rates: [0.25, 1.25] },
  { provider: 'anthropic', model: 'anthropic/claude-sonnet-4', entry: 'anthropic/claude-sonnet-4-0', rates: [3, 15] },
  // Bedrock prices by inference profile: the catalog has its own ids.
  { provider: 'aws.bedrock', model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', entry: 'aws/regional.anthropic.claude-3-7-sonnet-20250219-v1:0', rates: [3, 15] },
  { provider: 'aws.bedrock', model: 'eu.anthropic.claude-sonnet-4-20250514-v1:0', entry: 'aws/regional.anthropic.claude-sonnet-4-20250514-v1:0', rates: [3, 15] },
  { provider: 'aws.bedrock', model: 'apac.anthropic.claude-3-5-sonnet-20240620-v1:0', entry: 'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0', rates: [3, 15] },
  { provider: 'aws.bedrock', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', entry: 'aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0', rates: [3, 15] },
  { provider: 'aws.bedrock', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', entry: 'aws/regional.anthropic.claude-haiku-4-5-20251001-v1:0', rates: [1.1, 5.5] },
  { provider: 'aws.bedrock', model: 'us.amazon.nova-pro-v1:0', entry: 'aws/amazon.nova-pro-v1:0', rates: [0.8, 3.2] },
  { provider: 'aws.bedrock', model: 'us.meta.llama3-2-11b-instruct-v1:0', entry: 'aws/meta.llama3-2-11b-instruct-v1:0', rates: [0.16, 0.16] },
  // Google: Gemini with and without a `models/` path, Claude on Vertex.
  { provider: 'gcp.gemini', model: 'gemini-2.5-flash', entry: 'google/gemini-2.5-flash', rates: [0.3, 2.5] },
  { provider: 'gcp.gemini', model: 'models/gemini-2.5-flash', entry: 'google/gemini-2.5-flash', rates: [0.3, 2.5] },
  { provider: 'gcp.vertex_ai', model: 'publishers/google/models/gemini-2.5-pro', entry: 'google/gemini-2.5-pro', rates: [1.25, 10] },
  { provider: 'gcp.vertex_ai', model: 'gemini-2.0-flash-001', entry: 'google/gemini-2.0-flash', rates: [0.1, 0.4] },
  { provider: 'gcp.vertex_ai', model: 'claude-3-7-sonnet@20250219', entry: 'google/claude-3-7-sonnet', rates: [3, 15] },
  // OpenAI-compatible providers, by the names their APIs use.
  { provider: 'openrouter', model: 'openai/gpt-4o', entry: 'openrouter/openai/gpt-4o', rates: [2.5, 10] },
  { provider: 'openrouter', model: 'anthropic/claude-3.7-sonnet', entry: 'openrouter/anthropic/claude-3.7-sonnet', rates: [3, 15] },
  { provider: 'openrouter', model: 'x-ai/grok-4', entry: 'x-ai/grok-4-0709', rates: [3, 15] },
  { provider: 'together_ai', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', entry: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', rates: [0.88, 0.88] },
  { provider: 'together_ai', model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', entry: 'together/mistralai/Mixtral-8x7B-Instruct-v0.1', rates: [0.9, 0.9] },
  { provider: 'groq', model: 'llama-3.3-70b-versatile', entry: 'groq/llama-3.3-70b-versatile', rates: [0.59, 0.79] },
  { provider: 'groq', model: 'openai/gpt-oss-120b', entry: 'groq/openai/gpt-oss-120b', rates: [0.15, 0.6] },
  // DeepSeek's rates at noon UTC; its off-peak rates, from 16:30 to 00:30
  // UTC, are half.
  { provider: 'deepseek', model: 'deepseek-chat', entry: 'deepseek/deepseek-chat', rates: [0.27, 1.1] },
  { provider: 'mistral_ai', model: 'mistral-large-latest', entry: 'mistral/mistral-large', rates: [2, 6] },
  { provider: 'mistral_ai', model: 'codestral-latest', entry: 'mistral/codestral', rates: [0.3, 0.9] },
  { provider: 'fireworks_ai', model: 'accounts/fireworks/models/gpt-oss-120b', entry: 'fireworks/gpt-oss-120b', rates: [0.15, 0.6] },
  { provider: 'x_ai', model: 'grok-4', entry: 'x-ai/grok-4-0709', rates: [3, 15] },
  { provider: 'x_ai', model: 'grok-3-latest', entry: 'x-ai/grok-3', rates: [3, 15] },
  // No provider: the name alone finds it.
  { provider: undefined, model: 'gpt-4o-mini', entry: 'openai/gpt-4o-mini', rates: [0.15, 0.6] },
  { provider: undefined, model: 'openai/gpt-4o', entry: 'openai/gpt-4o', rates: [2.5, 10] },
];

// Names that must stay unpriced: unknown to the catalog, or served by a
// provider without a catalog, which must not borrow OpenAI's prices.
const UNPRICED: [string | undefined, string, string][] = [
  ['azure.ai.openai', 'my-gpt4o-deployment', 'unknown_model'],
  ['openai', 'gpt-imaginary-9', 'unknown_model'],
  ['openai_compatible', 'gpt-4o', 'unknown_provider'],
  ['vllm', 'meta-llama/Llama-3.1-8B-Instruct', 'unknown_provider'],
  ['ollama', 'llama3.1:8b', 'unknown_provider'],
  ['together_ai', 'openai/gpt-4o', 'unknown_model'],
  [undefined, 'meta-llama/Llama-3.1-8B-Instruct', 'unknown_model'],
];

describe('PriceCatalog with names from the wild', () => {
  const catalog = new PriceCatalog();

  it.each(NAMES)('prices $model of $provider', (row) => {
    const lookup = catalog.lookup(row.provider, row.model);
    if (!lookup.found) {
      throw new Error(`${row.model} was not priced: ${lookup.reason}`);
    }

    const { match } = lookup;
    expect(`${match.providerId}/${match.modelId}`).toBe(row.entry);
    const cost = computeCost(THOUSAND_EACH, match.pricesAt(AT));
    // 1,000 x input rate + 1,000 x output rate, per million tokens.
    const [input, output] = row.rates;
    expect(cost.total).toBeCloseTo((1000 * input + 1000 * output) / 1e6, 15);
  });

  it.each(UNPRICED)('leaves %s %s unpriced', (provider, model, reason) => {
    expect(catalog.lookup(provider, model)).toEqual({ found: false, reason });
  });
});

describe('modelNameCandidates', () => {
  it('strips a Bedrock profile, vendor and version in turn', () => {
    const names = modelNameCandidates(
      'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    ).map((candidate) => candidate.name);

    expect(names).toEqual([
      'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'claude-3-7-sonnet-20250219-v1:0',
      'claude-3-7-sonnet-20250219',
    ]);
  });

  it('rewrites a Vertex version, then drops it', () => {
    const names = modelNameCandidates('claude-3-7-sonnet@20250219').map(
      (candidate) => candidate.name,
    );

    expect(names).toEqual([
      'claude-3-7-sonnet@20250219',
      'claude-3-7-sonnet-20250219',
      'claude-3-7-sonnet',
    ]);
  });

  it('drops a context marker', () => {
    expect(modelNameCandidates('claude-sonnet-4[1m]')[1]?.name).toBe(
      'claude-sonnet-4',
    );
  });

  it('names the vendor of a vendor/model name', () => {
    expect(modelNameCandidates('openai/gpt-4o')).toEqual([
      { name: 'openai/gpt-4o' },
      { name: 'gpt-4o', vendor: 'openai' },
    ]);
  });

  it('leaves a dotted OpenAI name whole', () => {
    expect(modelNameCandidates('gpt-4.1-mini')).toEqual([
      { name: 'gpt-4.1-mini' },
    ]);
  });
});

describe('withDashedDates', () => {
  it('dashes a real compact date', () => {
    expect(withDashedDates('claude-3-5-sonnet-20241022')).toBe(
      'claude-3-5-sonnet-2024-10-22',
    );
  });

  it('leaves an impossible date alone', () => {
    expect(withDashedDates('model-20250231')).toBe('model-20250231');
  });
});

describe('Bedrock ids without their vendor', () => {
  const catalog = new PriceCatalog();

  it.each([
    ['llama3-1-70b-instruct-v1:0', 'meta.llama3-1-70b-instruct-v1:0'],
    ['nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
    ['mistral-large-2402-v1:0', 'mistral.mistral-large-2402-v1:0'],
  ])('prices %s as %s', (name, expected) => {
    const lookup = catalog.lookup('aws.bedrock', name);

    expect(lookup.found && lookup.match.modelId).toBe(expected);
  });

  it('gives a vendor only to names with a Bedrock version', () => {
    expect(catalog.lookup('aws.bedrock', 'llama-unknown').found).toBe(false);
  });
});
