import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { INSTRUMENTED_MODULES } from '../instrumentation/index.js';
import { loadRecordings } from '../replay/recording.js';
import { ReplayServer } from '../replay/server.js';
import { startTokenmeter } from '../sdk/start.js';
import { formatSummary, summarizeByFeature, SummaryReader } from './summary.js';

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

    const { resourceMetrics } = await summary.collect();
    printReport(
      options,
      formatSummary(summarizeByFeature(resourceMetrics)),
      endpoint,
    );
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
  table: string,
  endpoint: string | undefined,
): void {
  options.print(
    `tokenmeter demo: ${options.interactions} interactions per feature ` +
      'through the real openai and @anthropic-ai/sdk clients, answered by a ' +
      'local server replaying recorded provider responses.\n',
  );
  options.print(table);
  options.print('');
  if (endpoint) {
    options.print(`Metrics and spans were sent over OTLP/HTTP to ${endpoint}.`);
  } else {
    options.print(
      'Metrics went to the console: the table above. Set ' +
        'OTEL_EXPORTER_OTLP_ENDPOINT (for example http://localhost:4318) to ' +
        'send metrics and spans to an OpenTelemetry Collector.',
    );
  }
}
