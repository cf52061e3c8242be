import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type {
  RecordedExchange,
  Recording,
} from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import { allRecordings } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';
import {
  catalogRates,
  clientsFor,
  genAiSpans,
  instrumentBoth,
  send,
  type Clients,
} from '../support/sdk-clients.js';

/** Usage as the provider reported it in a recorded response. */
interface RecordedUsage {
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Web search calls, billed apiece on top of the tokens. */
  webSearches: number;
}

type Json = Record<string, any>;

const PRICED_PATHS = new Set([
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/messages',
]);

/** The events of a server-sent event stream, parsed. */
function events(body: string): Json[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: ') && !line.includes('[DONE]'))
    .map((line) => JSON.parse(line.slice(6)) as Json);
}

function openaiUsage(body: unknown): RecordedUsage | undefined {
  const payload: Json | undefined =
    typeof body === 'string'
      ? events(body).find((event) => event.usage || event.response?.usage)
      : (body as Json);
  const usage = payload?.usage ?? payload?.response?.usage;
  if (!usage) {
    return undefined;
  }
  return {
    model: payload!.model ?? payload!.response.model,
    input: usage.prompt_tokens ?? usage.input_tokens,
    output: usage.completion_tokens ?? usage.output_tokens ?? 0,
    cacheRead:
      usage.prompt_tokens_details?.cached_tokens ??
      usage.input_tokens_details?.cached_tokens ??
      0,
    cacheWrite: 0,
    webSearches: (payload!.output ?? payload!.response?.output ?? []).filter(
      (item: Json) => item.type === 'web_search_call',
    ).length,
  };
}

function anthropicUsage(body: unknown): RecordedUsage | undefined {
  let model: string;
  let usage: Json;
  if (typeof body === 'string') {
    const stream = events(body);
    const start = stream.find((event) => event.type === 'message_start');
    const delta = stream.findLast((event) => event.type === 'message_delta');
    model = start?.message.model;
    usage = { ...start?.message.usage, ...delta?.usage };
  } else {
    model = (body as Json).model;
    usage = (body as Json).usage;
  }

  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    model,
    // Anthropic's input_tokens leaves the cache reads and writes out.
    input: usage.input_tokens + cacheRead + cacheWrite,
    output: usage.output_tokens,
    cacheRead,
    cacheWrite,
    webSearches: usage.server_tool_use?.web_search_requests ?? 0,
  };
}

function recordedUsage(
  recording: Recording,
  exchange: RecordedExchange,
): RecordedUsage | undefined {
  const path = new URL(exchange.request.url).pathname;
  if (!PRICED_PATHS.has(path) || exchange.response.status !== 200) {
    return undefined;
  }
  return recording.provider === 'anthropic'
    ? anthropicUsage(exchange.response.body)
    : openaiUsage(exchange.response.body);
}

/** The cost worked out by hand from the catalog's rates. */
function handCost(provider: string, usage: RecordedUsage): number {
  const rates = catalogRates(provider, usage.model);
  const uncached = usage.input - usage.cacheRead - usage.cacheWrite;
  return (
    (uncached * rates.input +
      usage.cacheRead * rates.cacheRead +
      usage.cacheWrite * rates.cacheWrite +
      usage.output * rates.output) /
      1e6 +
    (usage.webSearches * rates.webSearch) / 1e3
  );
}

const cases = allRecordings().flatMap((recording) =>
  recording.exchanges.flatMap((exchange, index) => {
    const usage = recordedUsage(recording, exchange);
    return usage ? [{ recording, exchange, index, usage }] : [];
  }),
);

let tracing: TestTracing;
let uninstrument: () => void;

beforeAll(() => {
  tracing = setupTracing([new CostSpanProcessor()]);
  uninstrument = instrumentBoth();
});

afterAll(async () => {
  uninstrument();
  await tracing.shutdown();
});

describe('recorded exchanges', () => {
  it('include every provider and kind of call', () => {
    const paths = new Set(
      cases.map(({ exchange }) => new URL(exchange.request.url).pathname),
    );
    expect(paths).toEqual(PRICED_PATHS);
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases.map((c) => [`${c.recording.name} #${c.index}`, c] as const))(
    'prices %s as worked out by hand',
    async (_name, { recording, exchange, usage }) => {
      const server = new ReplayServer({
        recordings: [{ ...recording, exchanges: [exchange] }],
        match: 'strict',
      });
      await server.start();
      tracing.reset();
      try {
        const clients: Clients = clientsFor(server);
        await send(clients, exchange.request);
      } finally {
        await server.close();
      }

      const [span, ...others] = genAiSpans(tracing.spans());
      expect(others).toEqual([]);
      const attributes = span!.attributes;
      expect(attributes['gen_ai.usage.input_tokens']).toBe(usage.input);
      expect(attributes['gen_ai.usage.output_tokens'] ?? 0).toBe(usage.output);
      expect(attributes['gen_ai.usage.cache_read.input_tokens'] ?? 0).toBe(
        usage.cacheRead,
      );
      expect(attributes['tokenmeter.usage.estimated']).toBeUndefined();
      expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        handCost(recording.provider, usage),
        15,
      );
    },
  );
});
