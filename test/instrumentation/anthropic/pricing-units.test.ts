import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { providerName } from '../../../src/instrumentation/anthropic/attributes.js';
import { AnthropicInstrumentation } from '../../../src/instrumentation/anthropic/instrumentation.js';
import { CostSpanProcessor } from '../../../src/processor/cost-span-processor.js';
import type { Recording } from '../../../src/replay/recording.js';
import { setupTracing } from '../../support/tracing.js';
import {
  AnthropicModule,
  CACHE_REQUEST,
  CACHE_WRITE_MESSAGE,
  createClient,
  eventStream,
  genAiSpans,
  messagesRecording,
  OUR_SPAN,
  startReplay,
  streamedMessageEvents,
} from './support.js';

const tracing = setupTracing([new CostSpanProcessor()]);
const instrumentation = new AnthropicInstrumentation();
instrumentation.manuallyInstrument(AnthropicModule);

afterEach(() => tracing.reset());
afterAll(async () => {
  instrumentation.disable();
  await tracing.shutdown();
});

/** Sends the recording's request and reads a stream to its end. */
async function send(recording: Recording) {
  const server = await startReplay([recording]);
  try {
    const client = createClient(server.origin, OUR_SPAN);
    const body = recording.exchanges[0]!.request.body as any;
    const result: any = await client.messages.create(body);
    if (body.stream) {
      for await (const _event of result) {
        // Read to the end, as an app does.
      }
    }
  } finally {
    await server.close();
  }
  const [span] = genAiSpans(tracing.spans());
  return span!.attributes;
}

/** A Message whose usage reports two web searches. */
const SEARCH_MESSAGE = {
  ...CACHE_WRITE_MESSAGE,
  model: 'claude-sonnet-4-5-20250929',
  usage: {
    input_tokens: 2000,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 400,
    server_tool_use: { web_search_requests: 2 },
    service_tier: 'standard',
  },
};

describe('providerName', () => {
  it.each([
    ['https://api.anthropic.com', 'anthropic'],
    ['https://bedrock-runtime.us-east-1.amazonaws.com', 'aws.bedrock'],
    ['https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com', 'aws.bedrock'],
    ['https://us-east5-aiplatform.googleapis.com/v1', 'gcp.vertex_ai'],
    ['https://aiplatform.googleapis.com/v1', 'gcp.vertex_ai'],
    [
      'https://my-resource.services.ai.azure.com/anthropic/',
      'azure.ai.inference',
    ],
    ['http://127.0.0.1:8787', 'anthropic'],
    ['not a url', 'anthropic'],
  ])('names %s %s', (baseURL, expected) => {
    expect(providerName(baseURL)).toBe(expected);
  });
});

describe('AnthropicInstrumentation priced units', () => {
  it('records and prices web searches', async () => {
    const attributes = await send(
      messagesRecording('web-search', CACHE_REQUEST, { body: SEARCH_MESSAGE }),
    );

    expect(attributes['tokenmeter.usage.web_search.calls']).toBe(2);
    expect(attributes['anthropic.response.service_tier']).toBe('standard');
    // Sonnet 4.5: 2,000 x $3 + 400 x $15 per million, and 2 searches at
    // $10 per 1,000: 0.006 + 0.006 + 0.02.
    expect(attributes['tokenmeter.cost.web_search']).toBeCloseTo(0.02, 15);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.032, 15);
    expect(attributes['tokenmeter.price.service_tier']).toBeUndefined();
  });

  it('reads the web searches of a stream from its last usage', async () => {
    const body = eventStream(
      streamedMessageEvents({
        startUsage: {
          input_tokens: 2000,
          output_tokens: 1,
          service_tier: 'standard',
        },
        deltaUsage: {
          output_tokens: 400,
          server_tool_use: { web_search_requests: 3 },
        },
      }),
    );
    const attributes = await send(
      messagesRecording(
        'web-search-stream',
        { ...CACHE_REQUEST, stream: true },
        {
          body,
        },
      ),
    );

    expect(attributes['tokenmeter.usage.web_search.calls']).toBe(3);
    expect(attributes['anthropic.response.service_tier']).toBe('standard');
    // Claude 3.7 Sonnet: 2,000 x $3 + 400 x $15 per million, and 3 searches
    // at $10 per 1,000: 0.006 + 0.006 + 0.03.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.042, 15);
  });

  it('prices one-hour cache writes at their rate', async () => {
    const message = {
      ...CACHE_WRITE_MESSAGE,
      usage: {
        input_tokens: 3,
        cache_creation_input_tokens: 12304,
        cache_creation: {
          ephemeral_5m_input_tokens: 2304,
          ephemeral_1h_input_tokens: 10000,
        },
        cache_read_input_tokens: 0,
        output_tokens: 550,
      },
    };
    const attributes = await send(
      messagesRecording('cache-1h', CACHE_REQUEST, { body: message }),
    );

    expect(
      attributes['anthropic.usage.cache_creation.ephemeral_1h_input_tokens'],
    ).toBe(10000);
    // Claude 3.7 Sonnet: 2,304 x $3.75 + 10,000 x $6 for the writes, 3 x $3
    // input and 550 x $15 output, per million.
    expect(attributes['tokenmeter.cost.cache_write']).toBeCloseTo(0.06864, 15);
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.076899, 15);
  });

  it('prices the batch tier the usage reports', async () => {
    const message = {
      ...CACHE_WRITE_MESSAGE,
      usage: {
        input_tokens: 1000,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 1000,
        service_tier: 'batch',
      },
    };
    const attributes = await send(
      messagesRecording('batch', CACHE_REQUEST, { body: message }),
    );

    // Claude 3.7 Sonnet at half: 1,000 x $1.50 + 1,000 x $7.50 per million.
    expect(attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.009, 15);
    expect(attributes['tokenmeter.price.service_tier']).toBe('batch');
  });
});
