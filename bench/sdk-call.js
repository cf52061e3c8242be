// The time an instrumented OpenAI call adds, against the same call
// uninstrumented, one hand-written span per call (the floor), and the
// instrumentations users would pick instead. Each configuration runs in a
// process of its own against one local replay server with keep-alive, in
// alternating order, and must produce its spans.
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
    configs: [
      'uninstrumented',
      'floor',
      'tokenmeter',
      'tokenmeter-no-breakdown',
      'openlit',
    ],
  },
  {
    openai: 6,
    folder: join(root, 'test', 'fixtures', 'peers'),
    configs: [
      'uninstrumented',
      'floor',
      'tokenmeter',
      'tokenmeter-no-breakdown',
      'contrib',
      'traceloop',
      'openlit',
    ],
  },
];

async function callTime(config, folder, baseURL, calls, mode) {
  const result = await runChild(
    join(here, 'sdk-call-child.cjs'),
    [config, folder, baseURL, String(calls), mode],
    { cwd: root },
  );
  const expected = config === 'uninstrumented' ? 0 : calls;
  if (result.spans < expected) {
    throw new Error(
      `${config} on openai in ${folder} made ${result.spans} spans for ${calls} calls.`,
    );
  }
  return result;
}

async function measureSuite(suite, baseURL, mode, options) {
  const samples = await alternate(suite.configs, options.rounds, (config) =>
    callTime(config, suite.folder, baseURL, options.calls, mode),
  );

  // The CPU time of the app's process is what an instrumentation adds; the
  // wall time also varies with the scheduling of the server on the same
  // machine. Added time is per round, against that round's uninstrumented
  // run.
  const cpu = mapValues(samples, (runs) =>
    runs.map((run) => run.cpuMicrosPerCall),
  );
  const added = mapValues(cpu, (runs) =>
    median(runs.map((value, round) => value - cpu.uninstrumented[round])),
  );
  return {
    openai: suite.openai,
    mode,
    cpuMicros: mapValues(cpu, median),
    wallMicros: mapValues(samples, (runs) =>
      median(runs.map((run) => run.microsPerCall)),
    ),
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
    rounds: options.smoke ? 1 : 7,
    calls: options.smoke ? 20 : 2000,
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
