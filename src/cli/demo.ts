import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

import { INSTRUMENTED_MODULES } from '../instrumentation/index.js';
import { loadRecordings } from '../replay/recording.js';
import { ReplayServer } from '../replay/server.js';
import { startTokenmeter } from '../sdk/start.js';
import {
  costByComponent,
  formatComponents,
  formatSummary,
  savingsByReason,
  summarizeByFeature,
  SummaryReader,
} from './summary.js';

/** Options of the `demo` command. */
export interface DemoOptions {
  /** The package's root folder, which contains `examples/`. */
  root: string;
  /** How many interactions to run per feature. */
  interactions: number;
  env: NodeJS.ProcessEnv;
  print(line: string): void;
}

interface ExampleFeatures {
  chat(question: string): Promise<string>;
  askDocs(question: string): Promise<string>;
  weatherAgent(question: string): Promise<string>;
}

/**
 * Runs the example service's three features through the real openai and
 * @anthropic-ai/sdk clients against a local server that replays recorded
 * provider responses, then prints what each feature cost per interaction.
 * Needs no API key and no network.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const endpoint = otlpEndpoint(options.env);
  const summary = new SummaryReader();
  register('import-in-the-middle/hook.mjs', import.meta.url, {
    data: { include: [...INSTRUMENTED_MODULES] },
  });
  // Started before the replay server, so that a bad price file stops the
  // demo with nothing left running.
  const started = startTokenmeter({
    metricReaders: [summary],
    env: endpoint
      ? options.env
      : {
          ...options.env,
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'none',
        },
  });

  const replay = new ReplayServer({
    recordings: loadRecordings(join(options.root, 'examples', 'recordings')),
  });
  try {
    pointClientsAt(await replay.start(), options.env);
    const service = (await import(
      pathToFileURL(join(options.root, 'examples', 'service', 'features.js'))
        .href
    )) as ExampleFeatures;
    await driveTraffic(service, options.interactions);
    const blocked = await pasteLongDocument(service, replay);

    const { resourceMetrics } = await summary.collect();
    printReport(options, resourceMetrics, blocked, endpoint);
  } finally {
    await started?.shutdown();
    await replay.close();
  }
}

async function driveTraffic(
  service: ExampleFeatures,
  interactions: number,
): Promise<void> {
  for (let index = 0; index < interactions; index++) {
    await service.chat('Tell me a joke about OpenTelemetry');
    await service.askDocs('What is the answer to most questions?');
    await service.weatherAgent(
      'What is the weather in New York City and London?',
    );
  }
}

/** The outcome of asking the chat feature to summarize a pasted document. */
interface BlockedRequest {
  message: string;
  /** Requests the provider received for it: none when blocked. */
  sent: number;
}

// 50,000 words, as a user pasting a long document into a chat box.
const LONG_DOCUMENT = 'The quarterly report continues. '.repeat(12_500);

/**
 * Sends a 50,000-word document to the chat feature, whose budget allows
 * 8,000 input tokens, and reports how the request was stopped.
 */
async function pasteLongDocument(
  service: ExampleFeatures,
  replay: ReplayServer,
): Promise<BlockedRequest> {
  const before = replay.received.length;
  try {
    await service.chat(`Summarize this document: ${LONG_DOCUMENT}`);
    return { message: 'It was sent: no budget stopped it.', sent: 1 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { message, sent: replay.received.length - before };
  }
}

function pointClientsAt(origin: string, env: NodeJS.ProcessEnv): void {
  env.OPENAI_BASE_URL = `${origin}/v1`;
  env.OPENAI_API_KEY = 'replay';
  // The replay server replaces api.openai.com, so its calls are named and
  // priced as OpenAI's.
  env.TOKENMETER_OPENAI_PROVIDERS = `${new URL(origin).hostname}=openai`;
  env.ANTHROPIC_BASE_URL = origin;
  env.ANTHROPIC_API_KEY = 'replay';
}

function otlpEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return (
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT
  );
}

function printReport(
  options: DemoOptions,
  metrics: ResourceMetrics,
  blocked: BlockedRequest,
  endpoint: string | undefined,
): void {
  options.print(
    `tokenmeter demo: ${options.interactions} requests per feature, and ` +
      'one oversized request to chat, through the real openai and ' +
      '@anthropic-ai/sdk clients, answered by a local server replaying ' +
      'recorded provider responses.\n',
  );
  options.print(formatSummary(summarizeByFeature(metrics)));
  options.print(
    '\nEach request is one interaction, whatever it spent: chat counts the ' +
      'blocked request, which made no call, and ask-docs answers repeated ' +
      'questions from its response cache.',
  );
  options.print('\nWhere the spend goes:\n');
  options.print(formatComponents(costByComponent(metrics)));
  options.print(
    '\nAn embeddings call has no prompt parts, so its cost shows as unknown.',
  );
  options.print('');
  for (const [reason, amount] of savingsByReason(metrics)) {
    options.print(
      `Saved by ${reason.replace(/_/g, ' ')}: $${amount.toFixed(6)}`,
    );
  }
  options.print(
    `A 50,000-word document pasted into chat (budget: 8,000 input tokens): ` +
      `${blocked.message} Requests sent: ${blocked.sent}.\n`,
  );
  if (endpoint) {
    options.print(`Metrics and spans were sent over OTLP/HTTP to ${endpoint}.`);
  } else {
    options.print(
      'No OTLP endpoint is set, so the metrics went to the console only, ' +
        'as the tables above. Set ' +
        'OTEL_EXPORTER_OTLP_ENDPOINT (for example http://localhost:4318) to ' +
        'send metrics and spans to an OpenTelemetry Collector.',
    );
  }
}
