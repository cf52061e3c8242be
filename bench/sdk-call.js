// The time an instrumented OpenAI call adds, against the same call
// uninstrumented, one hand-written span per call (the floor), and the
// instrumentations users would pick instead. Each configuration runs in
// processes of its own against one local replay server with keep-alive,
// in alternating order. Within a process, blocks of calls with the
// instrumentation on and off alternate, and each block must produce its
// spans.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadRecording, ReplayServer } from 'tokenmeter';

import { alternate, median, runChild, settings } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const recordings = join(root, 'test', 'fixtures', 'recordings');

// The contrib and Traceloop instrumentations patch openai up to 6 only,
// so they are compared on openai 6; OpenLIT on both.
const SUITES = [
  {
    openai: 7,
    folder: root,
    configs: ['floor', 'tokenmeter', 'tokenmeter-no-breakdown', 'openlit'],
  },
  {
    openai: 6,
    folder: join(root, 'test', 'fixtures', 'peers'),
    configs: [
      'floor',
      'tokenmeter',
      'tokenmeter-no-breakdown',
      'contrib',
      'traceloop',
      'openlit',
    ],
  },
];

async function callTime(config, folder, baseURL, options, mode) {
  return runChild(
    join(here, 'sdk-call-child.cjs'),
    [
      config,
      folder,
      baseURL,
      String(options.calls),
      mode,
      String(options.pairs),
    ],
    { cwd: root },
  );
}

async function measureSuite(suite, baseURL, mode, options) {
  const samples = await alternate(suite.configs, options.rounds, (config) =>
    callTime(config, suite.folder, baseURL, options, mode),
  );

  // The CPU time of the app's main thread is what an instrumentation
  // adds. The wall time also varies with the scheduling of the server on
  // the same machine. The added time is the median of the paired
  // differences of all the configuration's processes.
  const pick = (name) =>
    mapValues(samples, (runs) => median(runs.map((run) => run[name])));
  const added = mapValues(samples, (runs) =>
    median(runs.flatMap((run) => run.addedByPair)),
  );
  return {
    openai: suite.openai,
    mode,
    cpuMicros: pick('cpuMicrosOn'),
    cpuMicrosOff: pick('cpuMicrosOff'),
    wallMicros: pick('wallMicrosOn'),
    added,
  };
}

function mapValues(object, fn) {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key, fn(value)]),
  );
}

export async function run(options = settings()) {
  const server = new ReplayServer({
    recordings: [
      loadRecording(
        join(
          recordings,
          'openai--contrib-streaming-chat-completions-records-usage.json',
        ),
      ),
      loadRecording(
        join(
          recordings,
          'openai--contrib-chat-completions-adds-genai-conventions.json',
        ),
      ),
    ],
    // Send events back to back so that the call, not the pacing, is timed.
    eventDelayMs: 0,
  });
  const baseURL = `${await server.start()}/v1`;
  const callOptions = {
    // More processes and fewer pairs each: the machine drifts between
    // processes more than it does within one.
    rounds: options.smoke ? 1 : 4,
    pairs: options.smoke ? 1 : 6,
    calls: options.smoke ? 20 : 300,
  };
  try {
    const results = [];
    for (const suite of SUITES) {
      for (const mode of ['plain', 'stream']) {
        results.push(await measureSuite(suite, baseURL, mode, callOptions));
      }
    }
    return results;
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
