import * as anthropicModule from '@anthropic-ai/sdk';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as openaiModule from 'openai';
import OpenAI from 'openai';

import { AnthropicInstrumentation } from '../../src/instrumentation/anthropic/instrumentation.js';
import { OpenAIInstrumentation } from '../../src/instrumentation/openai/instrumentation.js';
import type { RecordedRequest } from '../../src/replay/recording.js';
import type { ReplayServer } from '../../src/replay/server.js';

/** Patches both SDK modules by hand, as vitest loads them without hooks. */
export function instrumentBoth(): () => void {
  const openai = new OpenAIInstrumentation({ enabled: false });
  const anthropic = new AnthropicInstrumentation({ enabled: false });
  openai.manuallyInstrument(openaiModule);
  anthropic.manuallyInstrument(anthropicModule);
  openai.enable();
  anthropic.enable();
  return () => {
    openai.disable();
    anthropic.disable();
  };
}

export interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
}

/** Real SDK clients that send to the replay server only. */
export function clientsFor(server: ReplayServer): Clients {
  return {
    openai: new OpenAI({
      baseURL: `${server.origin}/v1`,
      apiKey: 'test',
      maxRetries: 0,
    }),
    anthropic: new Anthropic({
      baseURL: server.origin,
      apiKey: 'test',
      maxRetries: 0,
    }),
  };
}

/**
 * Sends a recorded request through the SDK method that made it, and reads
 * a streamed response to its end.
 */
export async function send(
  clients: Clients,
  request: RecordedRequest,
): Promise<void> {
  const url = new URL(request.url);
  const body = request.body as Record<string, unknown>;
  const result = await call(clients, url, body);

  if (body.stream === true) {
    for await (const _ of result as AsyncIterable<unknown>) {
      // Reading every event lets the stream report its usage.
    }
  }
}

function call(
  clients: Clients,
  url: URL,
  body: Record<string, unknown>,
): Promise<unknown> {
  const params = body as never;
  switch (url.pathname) {
    case '/v1/chat/completions':
      return clients.openai.chat.completions.create(params);
    case '/v1/responses':
      return clients.openai.responses.create(params);
    case '/v1/embeddings':
      return clients.openai.embeddings.create(params);
    case '/v1/messages':
      return url.searchParams.get('beta') === 'true'
        ? clients.anthropic.beta.messages.create(params)
        : clients.anthropic.messages.create(params);
    default:
      throw new Error(`No SDK method for ${url.pathname}`);
  }
}

/** The GenAI spans, which carry token usage. */
export function genAiSpans(spans: ReadableSpan[]): ReadableSpan[] {
  return spans.filter(
    (span) => span.attributes['gen_ai.usage.input_tokens'] !== undefined,
  );
}

/** Catalog rates of a model in USD per million tokens, read from genai-prices. */
export interface Rates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** USD per thousand web searches. */
  webSearch: number;
}

export function catalogRates(provider: string, model: string): Rates {
  const result = calcPrice({}, model, { providerId: provider });
  if (!result) {
    throw new Error(`${provider}/${model} is not in the catalog`);
  }
  const prices = result.model_price as Record<string, number | undefined>;
  const input = prices.input_mtok ?? 0;
  return {
    input,
    output: prices.output_mtok ?? 0,
    cacheRead: prices.cache_read_mtok ?? input,
    cacheWrite: prices.cache_write_mtok ?? input,
    webSearch: prices.web_searches_kcount ?? 0,
  };
}
