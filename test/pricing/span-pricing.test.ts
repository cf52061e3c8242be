import { SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { resetWarnings } from '../../src/internal/diag.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import { setupMetrics, total, type TestMetrics } from '../support/metrics.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';

let tracing: TestTracing;
let meters: TestMetrics;

beforeEach(() => {
  resetWarnings();
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider }),
  ]);
});

afterEach(async () => {
  await tracing.shutdown();
  await meters.shutdown();
});

/** Ends a CLIENT span with the attributes and returns what it carries. */
function priceSpan(attributes: Attributes): Attributes {
  trace
    .getTracer('test')
    .startSpan('chat', { kind: SpanKind.CLIENT, attributes })
    .end();
  const spans = tracing.spans();
  return spans[spans.length - 1]!.attributes;
}

const AZURE_CALL: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'azure.ai.openai',
  // An Azure request names the deployment, not the model.
  'gen_ai.request.model': 'prod-chat',
  'gen_ai.response.model': 'gpt-4o-2024-11-20',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 200,
};

describe('CostSpanProcessor pricing', () => {
  it('prices an Azure call by its response model', () => {
    const attributes = priceSpan(AZURE_CALL);

    // 1,000 x $2.50 + 200 x $10 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0045, 15);
    expect(attributes['tokenmeter.price.provider']).toBe('azure');
    expect(attributes['tokenmeter.price.model']).toBe('gpt-4o');
  });

  it('leaves an Azure deployment without a response model unpriced', () => {
    const { 'gen_ai.response.model': _, ...request } = AZURE_CALL;
    const attributes = priceSpan(request);

    expect(attributes['tokenmeter.unpriced']).toBe(true);
    expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
  });

  it('counts calls of an unrecognized server as unpriced', async () => {
    const attributes = priceSpan({
      'gen_ai.provider.name': 'openai_compatible',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    });

    expect(attributes['tokenmeter.unpriced']).toBe(true);
    const points = await meters.collect();
    expect(
      total(points, 'tokenmeter.unpriced', {
        'gen_ai.provider.name': 'openai_compatible',
      }),
    ).toBe(1);
  });

  it('prices web searches and records their cost', async () => {
    // gpt-4.1: 291 x $2 + 23 x $8 per million, and 1 search at $10 per
    // 1,000: 0.000582 + 0.000184 + 0.01.
    const attributes = priceSpan({
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-4.1-2025-04-14',
      'gen_ai.usage.input_tokens': 291,
      'gen_ai.usage.output_tokens': 23,
      'tokenmeter.usage.web_search.calls': 1,
    });

    expect(attributes['tokenmeter.cost.web_search']).toBeCloseTo(0.01, 15);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.010766, 15);
    const points = await meters.collect();
    expect(
      total(points, 'tokenmeter.cost', {
        'tokenmeter.token.type': 'web_search',
      }),
    ).toBeCloseTo(0.01, 15);
  });

  it('prices audio tokens and records their cost by type', async () => {
    // gpt-audio: 200 text x $2.50 + 1,000 audio x $32 in; 50 text x $10 +
    // 500 audio x $64 out, per million.
    const attributes = priceSpan({
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-audio-2025-08-28',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 550,
      'tokenmeter.usage.audio.input_tokens': 1000,
      'tokenmeter.usage.audio.output_tokens': 500,
    });

    expect(attributes['tokenmeter.cost.input']).toBeCloseTo(0.0005, 15);
    expect(attributes['tokenmeter.cost.input_audio']).toBeCloseTo(0.032, 15);
    expect(attributes['tokenmeter.cost.output']).toBeCloseTo(0.0005, 15);
    expect(attributes['tokenmeter.cost.output_audio']).toBeCloseTo(0.032, 15);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.065, 15);
    expect(attributes['tokenmeter.cost.web_search']).toBeUndefined();

    const points = await meters.collect();
    expect(
      total(points, 'tokenmeter.cost', {
        'tokenmeter.token.type': 'input_audio',
      }),
    ).toBeCloseTo(0.032, 15);
    expect(
      total(points, 'tokenmeter.cost', {
        'tokenmeter.token.type': 'output_audio',
      }),
    ).toBeCloseTo(0.032, 15);
  });

  it('applies the OpenAI service tier the response reports', () => {
    // o3 flex: 1,000 x $1 + 1,000 x $4 per million.
    const attributes = priceSpan({
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'o3-2025-04-16',
      'gen_ai.openai.request.service_tier': 'auto',
      'gen_ai.openai.response.service_tier': 'flex',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 1000,
    });

    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.005, 15);
    expect(attributes['tokenmeter.price.service_tier']).toBe('flex');
  });

  it('applies the Anthropic service tier the usage reports', () => {
    // claude-3-7-sonnet batch: 1,000 x $1.50 + 1,000 x $7.50 per million.
    const attributes = priceSpan({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
      'tokenmeter.response.service_tier': 'batch',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 1000,
    });

    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.009, 15);
    expect(attributes['tokenmeter.price.service_tier']).toBe('batch');
  });

  it('writes no service tier for standard rates', () => {
    const attributes = priceSpan({
      ...AZURE_CALL,
      'gen_ai.openai.response.service_tier': 'default',
    });

    expect(attributes['tokenmeter.price.service_tier']).toBeUndefined();
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0045, 15);
  });

  it('skips a span with an invalid web search count', () => {
    const attributes = priceSpan({
      ...AZURE_CALL,
      'tokenmeter.usage.web_search.calls': -1,
    });

    expect(attributes['tokenmeter.skipped']).toBe('invalid_usage');
    expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
  });
});
