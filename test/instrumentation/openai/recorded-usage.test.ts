import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RecordedExchange } from '../../../src/replay/recording.js';
import {
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
} from '../../../src/semconv.js';
import { allRecordings } from '../../support/recordings.js';
import type { OpenAIInstrumentation } from '../../../src/instrumentation/openai/instrumentation.js';
import { setupTracing, type TestTracing } from '../../support/tracing.js';
import {
  createClient,
  instrumentOpenAI,
  onlySpan,
  readAll,
  recordingOf,
  startReplay,
  type OpenAI,
} from './support.js';

type Usage = Record<string, any>;
type Call = (client: OpenAI, body: any) => Promise<unknown>;

// The SDK method that sends each recorded route, and how its recorded
// usage maps to the GenAI usage attributes.
const ROUTES: Record<string, { call: Call; tokens: (usage: Usage) => Usage }> =
  {
    '/v1/chat/completions': {
      call: (client, body) => client.chat.completions.create(body),
      tokens: (usage) => ({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.prompt_tokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.completion_tokens,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]:
          usage.prompt_tokens_details?.cached_tokens,
        [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]:
          usage.completion_tokens_details?.reasoning_tokens,
      }),
    },
    '/v1/responses': {
      call: (client, body) => client.responses.create(body),
      tokens: (usage) => ({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.input_tokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.output_tokens,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]:
          usage.input_tokens_details?.cached_tokens,
        [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]:
          usage.output_tokens_details?.reasoning_tokens,
      }),
    },
    '/v1/embeddings': {
      call: (client, body) => client.embeddings.create(body),
      tokens: (usage) => ({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.prompt_tokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: undefined,
      }),
    },
  };

// Routes the instrumentation does not trace: legacy text completions and
// image generation.
const UNTRACED_ROUTES = new Set(['/v1/completions', '/v1/images/generations']);

/** Reads the usage a recorded response reports, streamed or not. */
function recordedUsage(exchange: RecordedExchange): Usage | undefined {
  const body = exchange.response.body;
  if (typeof body !== 'string') {
    return (body as Usage | undefined)?.usage ?? undefined;
  }

  let usage: Usage | undefined;
  for (const line of body.split('\n')) {
    const data = line.startsWith('data: ') ? line.slice(6) : '[DONE]';
    if (data === '[DONE]') {
      continue;
    }
    const event = JSON.parse(data);
    // A chat chunk of a request with `include_usage`, or the final
    // Responses API event.
    usage = event.usage ?? event.response?.usage ?? usage;
  }
  return usage;
}

interface UsageCase {
  label: string;
  route: string;
  exchange: RecordedExchange;
  usage: Usage;
}

function usageCases(): { cases: UsageCase[]; skipped: UsageCase[] } {
  const cases: UsageCase[] = [];
  const skipped: UsageCase[] = [];
  for (const recording of allRecordings()) {
    if (recording.provider !== 'openai') {
      continue;
    }
    recording.exchanges.forEach((exchange, index) => {
      const label = `${recording.name} #${index}`;
      const route = new URL(exchange.request.url).pathname;
      const usage = recordedUsage(exchange);
      if (UNTRACED_ROUTES.has(route) || usage === undefined) {
        skipped.push({ label, route, exchange, usage: {} });
      } else {
        cases.push({ label, route, exchange, usage });
      }
    });
  }
  return { cases, skipped };
}

const { cases, skipped } = usageCases();

describe('OpenAIInstrumentation with recorded usage', () => {
  let tracing: TestTracing;
  let instrumentation: OpenAIInstrumentation;

  beforeAll(() => {
    tracing = setupTracing();
    instrumentation = instrumentOpenAI();
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    instrumentation.disable();
    await tracing.shutdown();
  });

  it('covers the chat, Responses and embeddings recordings', () => {
    const routes = new Set(cases.map((testCase) => testCase.route));
    expect(routes).toEqual(new Set(Object.keys(ROUTES)));
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('skips only untraced routes and chat streams without usage', () => {
    // Streamed chat completions without `include_usage` report no usage.
    // Their estimated usage is tested in stream-estimate.test.ts.
    for (const { label, route, exchange } of skipped) {
      const body = exchange.request.body as any;
      const untraced = UNTRACED_ROUTES.has(route);
      const chatStreamWithoutUsage =
        route === '/v1/chat/completions' &&
        body.stream === true &&
        body.stream_options?.include_usage !== true;
      expect(untraced || chatStreamWithoutUsage, label).toBe(true);
    }
  });

  it.each(cases)('records the usage of $label', async (testCase) => {
    const server = await startReplay(
      [recordingOf(testCase.label, testCase.exchange)],
      {
        match: 'strict',
      },
    );
    try {
      const client = createClient(server);
      const body = structuredClone(testCase.exchange.request.body) as any;
      const result = await ROUTES[testCase.route]!.call(client, body);
      if (body.stream === true) {
        await readAll(result as AsyncIterable<unknown>);
      }

      const span = await onlySpan(tracing);
      const expected = ROUTES[testCase.route]!.tokens(testCase.usage);
      for (const [name, value] of Object.entries(expected)) {
        expect(span.attributes[name], name).toBe(value);
      }
      expect(span.attributes[ATTR_TOKENMETER_USAGE_ESTIMATED]).toBeUndefined();
      expect(server.received[0]!.recording).toBe(testCase.label);
    } finally {
      await server.close();
    }
  });
});
