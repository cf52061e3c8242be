import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { catalogRates, instrumentBoth } from '../support/sdk-clients.js';
import { recording } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';
import { anthropicCacheRecording } from './recordings.js';
import { ownCost, runPeer, type PrintedSpan } from './support.js';

// Other projects' instrumentations run in a child process each, from the
// peers fixture project (openai 6, @anthropic-ai/sdk 0.99, openai 5 for
// OpenLLMetry 0.22), with tokenmeter's CostSpanProcessor in the pipeline.
// The cost it writes on their span must equal the cost it writes on the
// span of tokenmeter's own instrumentation for the same recorded exchange.

const CACHED_RESPONSES =
  'openai--set-cache-read-input-tokens-in-span-for-responses-with-cached-tokens';
const CHAT = 'openai--chat';
const STREAMED_CHAT =
  'openai--contrib-streaming-chat-completions-records-usage';
const EMBEDDINGS = 'openai--contrib-embeddings-adds-genai-conventions';
const ANTHROPIC = 'anthropic--messages';
const ANTHROPIC_STREAM = 'anthropic--messages-streaming';

interface PeerCase {
  peer: string;
  recordings: (() => Recording)[];
}

const SAME_COST: PeerCase[] = [
  {
    peer: 'opentelemetry-openai',
    recordings: [CHAT, STREAMED_CHAT, EMBEDDINGS].map(byName),
  },
  { peer: 'traceloop-openai', recordings: [CHAT].map(byName) },
  { peer: 'traceloop-openai-0.22', recordings: [CHAT].map(byName) },
  {
    peer: 'openinference-openai',
    recordings: [CACHED_RESPONSES, CHAT].map(byName),
  },
  {
    peer: 'traceloop-anthropic',
    recordings: [
      ...[ANTHROPIC, ANTHROPIC_STREAM].map(byName),
      anthropicCacheRecording,
    ],
  },
  {
    peer: 'traceloop-anthropic-0.22',
    recordings: [ANTHROPIC, ANTHROPIC_STREAM].map(byName),
  },
];

function byName(name: string): () => Recording {
  return () => recording(name);
}

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

/** Finds the one span of a peer that carries a cost, asserting there is one. */
function pricedSpan(spans: PrintedSpan[]): PrintedSpan {
  const priced = spans.filter(
    (span) => span.attributes['gen_ai.usage.cost.amount'] !== undefined,
  );
  expect(priced).toHaveLength(1);
  return priced[0]!;
}

describe.each(SAME_COST)('$peer', ({ peer, recordings }) => {
  it.each(recordings.map((load) => [load().name, load] as const))(
    'costs %s as tokenmeter does',
    async (_name, load) => {
      const recorded = load();
      const span = pricedSpan(await runPeer(peer, [recorded]));

      expect(span.attributes['tokenmeter.skipped']).toBeUndefined();
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        await ownCost(tracing, recorded),
        15,
      );
    },
  );
});

describe('instrumentations that report no cache reads', () => {
  // @opentelemetry/instrumentation-openai 0.22.0 and
  // @traceloop/instrumentation-openai 0.27.0 copy the Responses API's
  // input_tokens but not input_tokens_details.cached_tokens, so the 13
  // cached tokens of this recording are priced at the uncached rate.
  it.each(['opentelemetry-openai', 'traceloop-openai'])(
    '%s costs cached tokens as uncached input',
    async (peer) => {
      const recorded = recording(CACHED_RESPONSES);
      const span = pricedSpan(await runPeer(peer, [recorded]));
      const rates = catalogRates('openai', 'gpt-4o-mini');

      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(14);
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        (14 * rates.input + 26 * rates.output) / 1e6,
        15,
      );
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(
        await ownCost(tracing, recorded),
      );
    },
  );
});

describe('OpenLLMetry names', () => {
  it('are the legacy ones up to 0.22', async () => {
    const span = pricedSpan(
      await runPeer('traceloop-openai-0.22', [recording(CHAT)]),
    );

    expect(span.attributes['gen_ai.system']).toBe('OpenAI');
    expect(span.attributes['llm.request.type']).toBe('chat');
    expect(span.attributes['gen_ai.usage.prompt_tokens']).toBe(15);
    expect(span.attributes['gen_ai.usage.completion_tokens']).toBe(20);
    expect(span.attributes['llm.usage.total_tokens']).toBe(35);
    expect(span.attributes['tokenmeter.price.provider']).toBe('openai');
  });

  it('leave Anthropic cache tokens out of input from 0.25', async () => {
    const span = pricedSpan(
      await runPeer('traceloop-anthropic', [anthropicCacheRecording()]),
    );

    // Anthropic's own input_tokens, which leaves the 2,500 cached out.
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(4000);
    expect(span.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(1500);
    expect(span.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(
      1000,
    );
  });
});
