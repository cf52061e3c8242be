import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BedrockRuntimeInstrumentation } from '../../src/instrumentation/bedrock/instrumentation.js';
import { CostSpanProcessor } from '../../src/processor/cost-span-processor.js';
import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  BedrockModule,
  createClient,
  sendRecorded,
  waitForSpans,
} from '../instrumentation/bedrock/support.js';
import { recording } from '../support/recordings.js';
import { setupTracing, type TestTracing } from '../support/tracing.js';
import { runPeer, type PrintedSpan } from './support.js';

// @traceloop/instrumentation-bedrock 0.27.0 runs in a child process from
// the peers fixture project, patching @aws-sdk/client-bedrock-runtime
// 3.1178.0, with tokenmeter's CostSpanProcessor in the pipeline. Each
// Bedrock recording is replayed to it and to tokenmeter's own Bedrock
// instrumentation, and the costs on the two spans are compared. They are
// equal only where OpenLLMetry's span carries the counts and a model name
// that the catalog has. The test of each other recording pins why not.

const PEER = 'traceloop-bedrock';

type Attributes = Record<string, unknown>;

let tracing: TestTracing;
let instrumentation: BedrockRuntimeInstrumentation;

beforeAll(() => {
  tracing = setupTracing([new CostSpanProcessor()]);
  instrumentation = new BedrockRuntimeInstrumentation();
  instrumentation.manuallyInstrument(BedrockModule);
});

afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

/**
 * Sends a recording's request through tokenmeter's own instrumentation and
 * returns the attributes of its span, errors of the call left aside.
 */
async function ownSpan(recorded: Recording): Promise<Attributes> {
  const server = new ReplayServer({ recordings: [recorded], match: 'strict' });
  await server.start();
  tracing.reset();
  try {
    await sendRecorded(createClient(server.origin), recorded).catch(
      () => undefined,
    );
    const [span] = await waitForSpans(() => tracing.spans(), 1);
    return span!.attributes;
  } finally {
    await server.close();
  }
}

/** Runs a recording through OpenLLMetry and returns its one span. */
async function peerSpan(recorded: Recording): Promise<PrintedSpan> {
  const spans = await runPeer(PEER, [recorded]);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

function cost(attributes: Attributes): unknown {
  return attributes['gen_ai.usage.cost.amount'];
}

describe('@traceloop/instrumentation-bedrock', () => {
  it.each([
    'bedrock--invoke-model-titan',
    'bedrock--invoke-model-stream-anthropic',
  ])('costs %s as tokenmeter does', async (name) => {
    const recorded = recording(name);
    const peer = await peerSpan(recorded);
    const own = await ownSpan(recorded);

    expect(peer.scope).toBe('@traceloop/instrumentation-bedrock');
    expect(peer.attributes['tokenmeter.skipped']).toBeUndefined();
    expect(cost(own)).toBeTypeOf('number');
    expect(cost(peer.attributes)).toBeCloseTo(cost(own) as number, 15);
  });

  it('drops the cache reads of an Anthropic InvokeModel', async () => {
    const recorded = recording('bedrock--invoke-model-anthropic');
    const peer = (await peerSpan(recorded)).attributes;
    const own = await ownSpan(recorded);

    // OpenLLMetry copies the body's `input_tokens` (18), which leaves out
    // the 1,843 cache reads, and writes no cache count.
    expect(peer['gen_ai.usage.input_tokens']).toBe(18);
    expect(peer['gen_ai.usage.cache_read.input_tokens']).toBeUndefined();
    expect(own['gen_ai.usage.input_tokens']).toBe(18 + 1843);
    // Claude 3.5 Haiku at $0.80 input and $4 output per million tokens:
    // 18 × 0.8 + 142 × 4 = $582.40 per million calls. tokenmeter adds the
    // cache reads at $0.08: 1,843 × 0.08 = $147.44 more.
    expect(cost(peer)).toBeCloseTo(0.0005824, 12);
    expect(cost(own)).toBeCloseTo(0.0005824 + 0.00014744, 12);
    expect(own['tokenmeter.cost.cache_read']).toBeCloseTo(0.00014744, 12);
  });

  it.each([
    ['bedrock--invoke-model-llama', 'llama3-1-70b-instruct-v1:0'],
    ['bedrock--invoke-model-nova', 'nova-pro-v1:0'],
  ])('prices %s without its vendor like our span', async (name, model) => {
    const recorded = recording(name);
    const peer = (await peerSpan(recorded)).attributes;
    const own = await ownSpan(recorded);

    // OpenLLMetry names the model without the vendor of the model id
    // (`meta.`, `amazon.`); tokenmeter puts the vendor back to price it.
    expect(peer['gen_ai.response.model']).toBe(model);
    expect(peer['gen_ai.usage.output_tokens']).toBe(
      own['gen_ai.usage.output_tokens'],
    );
    expect(cost(peer)).toBeCloseTo(cost(own) as number, 12);
  });

  it('loses the input count of a Llama stream', async () => {
    const recorded = recording('bedrock--invoke-model-stream-llama');
    const peer = (await peerSpan(recorded)).attributes;
    const own = await ownSpan(recorded);

    // The last chunk's invocation metrics give 19 input tokens, but the
    // same chunk's `prompt_token_count: null` then overwrites them, so only
    // the 6 output tokens are priced on its span.
    expect(peer['gen_ai.usage.input_tokens']).toBeNull();
    expect(peer['gen_ai.usage.output_tokens']).toBe(6);
    expect(own['gen_ai.usage.input_tokens']).toBe(19);
    expect(cost(peer)).toBeLessThan(cost(own) as number);
  });

  it.each([
    'bedrock--converse-cache-read',
    'bedrock--converse-cache-write',
    'bedrock--converse-inference-profile-arn',
    'bedrock--converse-stream',
    'bedrock--converse-stream-error',
    'bedrock--invoke-model-mistral',
  ])('records no usage for %s', async (name) => {
    const recorded = recording(name);
    const peer = (await peerSpan(recorded)).attributes;
    const own = await ownSpan(recorded);

    // OpenLLMetry reads usage from InvokeModel bodies only: Converse
    // outputs have none, and its Mistral reader none (Mistral's counts are
    // in the response headers). The span has no usage and no cost.
    const usage = Object.keys(peer).filter((key) =>
      key.startsWith('gen_ai.usage.'),
    );
    expect(usage).toEqual([]);
    expect(cost(own)).toBeTypeOf('number');
  });

  it('records neither span with usage for a rejected call', async () => {
    const recorded = recording('bedrock--converse-validation-error');
    const peer = (await peerSpan(recorded)).attributes;
    const own = await ownSpan(recorded);

    expect(peer['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(own['gen_ai.usage.input_tokens']).toBeUndefined();
  });
});
