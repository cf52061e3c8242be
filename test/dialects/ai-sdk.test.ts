import type { Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { withInteraction } from '../../src/interaction/with-interaction.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import { catalogRates, instrumentBoth } from '../support/sdk-clients.js';
import { setupMetrics, total, type TestMetrics } from '../support/metrics.js';
import { recording } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';
import { anthropicCacheRecording, CLAUDE_MODEL } from './recordings.js';
import { ownCost, requirePeer } from './support.js';

// The real AI SDK of each major, from the peers fixture project, against
// the replay server, with tokenmeter's CostSpanProcessor in the pipeline.

interface AiSdkVersion {
  label: string;
  ai: string;
  openai: string;
  anthropic: string;
  /** The @ai-sdk/otel integration of `ai` 7. */
  integration?: 'OpenTelemetry' | 'LegacyOpenTelemetry';
}

const VERSIONS: AiSdkVersion[] = [
  {
    label: 'ai 4',
    ai: 'ai-v4',
    openai: '@ai-sdk/openai-v1',
    anthropic: '@ai-sdk/anthropic-v1',
  },
  {
    label: 'ai 5',
    ai: 'ai-v5',
    openai: '@ai-sdk/openai-v2',
    anthropic: '@ai-sdk/anthropic-v2',
  },
  {
    label: 'ai 6',
    ai: 'ai-v6',
    openai: '@ai-sdk/openai-v3',
    anthropic: '@ai-sdk/anthropic-v3',
  },
  {
    label: 'ai 7 with LegacyOpenTelemetry',
    ai: 'ai-v7',
    openai: '@ai-sdk/openai-v4',
    anthropic: '@ai-sdk/anthropic-v4',
    integration: 'LegacyOpenTelemetry',
  },
  {
    label: 'ai 7 with OpenTelemetry',
    ai: 'ai-v7',
    openai: '@ai-sdk/openai-v4',
    anthropic: '@ai-sdk/anthropic-v4',
    integration: 'OpenTelemetry',
  },
];

const CACHED_RESPONSES =
  'openai--set-cache-read-input-tokens-in-span-for-responses-with-cached-tokens';
// Two steps: three tool calls, then the final text.
const TOOL_LOOP = [
  'openai--contrib-responses-records-function-calls',
  'openai--contrib-responses-records-function-call-outputs',
];

let tracing: TestTracing;
let meters: TestMetrics;
let uninstrument: () => void;

beforeAll(() => {
  meters = setupMetrics();
  tracing = setupTracing([
    new CostSpanProcessor({ meterProvider: meters.meterProvider }),
  ]);
  uninstrument = instrumentBoth();
});

afterAll(async () => {
  uninstrument();
  await tracing.shutdown();
  await meters.shutdown();
});

beforeEach(() => tracing.reset());

/** Runs `generateText` of one AI SDK version against recordings. */
async function generate(
  version: AiSdkVersion,
  recordings: Recording[],
  options: (modules: Modules) => Record<string, unknown>,
): Promise<void> {
  const server = new ReplayServer({ recordings });
  await server.start();
  try {
    const modules = load(version, server.origin);
    await modules.ai.generateText({
      ...options(modules),
      experimental_telemetry: telemetry(
        version,
        tracing.provider.getTracer('ai'),
      ),
    });
  } finally {
    await server.close();
  }
}

interface Modules {
  ai: any;
  openai: any;
  anthropic: any;
}

function load(version: AiSdkVersion, origin: string): Modules {
  const { createOpenAI } = requirePeer(version.openai);
  const { createAnthropic } = requirePeer(version.anthropic);
  return {
    ai: requirePeer(version.ai),
    openai: createOpenAI({ baseURL: `${origin}/v1`, apiKey: 'test' }),
    anthropic: createAnthropic({ baseURL: `${origin}/v1`, apiKey: 'test' }),
  };
}

function telemetry(version: AiSdkVersion, tracer: Tracer): object {
  if (version.integration === undefined) {
    return { isEnabled: true, tracer };
  }
  const otel = requirePeer('@ai-sdk/otel');
  return {
    isEnabled: true,
    integrations: [new otel[version.integration]({ tracer })],
  };
}

function toolLoop(version: AiSdkVersion, modules: Modules) {
  const { tool, stepCountIs } = modules.ai;
  const { z } = requirePeer('zod');
  // `ai` 4 names a tool's schema `parameters`, later versions `inputSchema`.
  const schema = version.ai === 'ai-v4' ? 'parameters' : 'inputSchema';
  const weather = tool({
    description: 'Get the current weather in a given location',
    [schema]: z.object({ location: z.string() }),
    execute: async () => ({ temperature: 22, condition: 'sunny' }),
  });
  const email = tool({
    description: 'Send an email',
    [schema]: z.object({ to: z.string(), body: z.string() }),
    execute: async () => 'sent',
  });
  return {
    model: modules.openai.responses('gpt-4o-mini'),
    system: 'You are a helpful assistant providing weather updates.',
    prompt: 'What is the weather in Paris and Bogotá?',
    tools: { get_weather: weather, send_email: email },
    ...(version.ai === 'ai-v4'
      ? { maxSteps: 5 }
      : { stopWhen: stepCountIs(5) }),
  };
}

function pricedSpans(): ReadableSpan[] {
  return tracing
    .spans()
    .filter(
      (span) => span.attributes['gen_ai.usage.cost.amount'] !== undefined,
    );
}

function skippedSpans(): ReadableSpan[] {
  return tracing
    .spans()
    .filter(
      (span) =>
        span.attributes['tokenmeter.skipped'] === 'counted_in_descendant',
    );
}

describe.each(VERSIONS)('$label', (version) => {
  it('prices OpenAI cache reads as tokenmeter does', async () => {
    const expected = await ownCost(tracing, recording(CACHED_RESPONSES));
    tracing.reset();

    await generate(version, [recording(CACHED_RESPONSES)], ({ openai }) => ({
      model: openai.responses('gpt-4o-mini'),
      prompt: 'Tell me a joke about OpenTelemetry',
    }));

    const [span, ...others] = pricedSpans();
    expect(others).toEqual([]);
    const cost = span?.attributes['gen_ai.usage.cost.amount'];
    if (version.ai === 'ai-v5') {
      // `generateText` spans of `ai` 5 carry no cache count: the 13 cached
      // tokens cost as uncached input.
      const rates = catalogRates('openai', 'gpt-4o-mini');
      expect(cost).toBeCloseTo(
        (14 * rates.input + 26 * rates.output) / 1e6,
        15,
      );
    } else {
      expect(cost).toBeCloseTo(expected, 15);
    }
  });

  it('prices Anthropic cache reads and writes as tokenmeter does', async () => {
    const expected = await ownCost(tracing, anthropicCacheRecording());
    tracing.reset();

    await generate(version, [anthropicCacheRecording()], ({ anthropic }) => ({
      model: anthropic(CLAUDE_MODEL),
      prompt: 'Summarise the manual.',
      maxTokens: 1024,
      maxOutputTokens: 1024,
    }));

    const [span, ...others] = pricedSpans();
    expect(others).toEqual([]);
    expect(span?.attributes['gen_ai.usage.input_tokens'] ?? 0).not.toBe(0);
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      expected,
      15,
    );
  });

  it('counts each model call of a tool loop once', async () => {
    const feature = `tool-loop ${version.label}`;
    await withInteraction({ feature }, () =>
      generate(version, TOOL_LOOP.map(recording), (modules) =>
        toolLoop(version, modules),
      ),
    );

    const priced = pricedSpans();
    expect(priced).toHaveLength(2);
    const skipped = skippedSpans();
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    for (const span of skipped) {
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
      expect(span.attributes['tokenmeter.cost.input']).toBeUndefined();
    }

    const calls = priced.map(
      (span) => span.attributes['gen_ai.usage.cost.amount'] as number,
    );
    const rates = catalogRates('openai', 'gpt-4o-mini');
    // 291 + 50 input and 23 + 12 output tokens over the two steps.
    const loopCost = (341 * rates.input + 35 * rates.output) / 1e6;
    expect(calls[0]! + calls[1]!).toBeCloseTo(loopCost, 15);

    const points = await meters.collect();
    const attributes = { 'tokenmeter.feature': feature };
    expect(total(points, 'tokenmeter.cost', attributes)).toBeCloseTo(
      loopCost,
      15,
    );
    const interaction = tracing
      .spans()
      .find((span) => span.name === `interaction ${feature}`);
    expect(interaction?.attributes['tokenmeter.interaction.calls']).toBe(2);
    expect(interaction?.attributes['tokenmeter.interaction.cost']).toBeCloseTo(
      loopCost,
      15,
    );
  });
});
