import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import {
  OUR_SPAN,
  SDK_SPAN,
  SDK_TRACES_ITSELF,
  startReplay,
  type SpanMode,
} from './support.js';

const run = promisify(execFile);
const APPS = fileURLToPath(new URL('../../fixtures/apps/', import.meta.url));

interface PrintedSpan {
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}

const APPS_BY_MODULE_SYSTEM = [
  { system: 'CommonJS', args: [`${APPS}anthropic-cjs-app.cjs`] },
  {
    system: 'ESM',
    args: [
      '--import',
      `${APPS}anthropic-esm-bootstrap.mjs`,
      `${APPS}anthropic-esm-app.mjs`,
    ],
  },
];

const MODES = SDK_TRACES_ITSELF ? [OUR_SPAN, SDK_SPAN] : [OUR_SPAN];

let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay([
    recording('anthropic--messages'),
    recording('anthropic--messages-streaming'),
  ]);
});
afterAll(() => server.close());

/** Runs an app in a child Node process and reads what it printed. */
async function runApp(args: string[], mode: SpanMode) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REPLAY_ORIGIN: server.origin,
  };
  // The test runner's own loader options must not reach the app.
  delete env.NODE_OPTIONS;
  if (mode.openTelemetry === false) {
    env.ANTHROPIC_OPEN_TELEMETRY = 'false';
  } else {
    delete env.ANTHROPIC_OPEN_TELEMETRY;
  }

  const { stdout } = await run(process.execPath, args, { env, cwd: APPS });
  const lines = stdout.split('\n');
  const spans = lines
    .filter((line) => line.startsWith('SPAN '))
    .map((line) => JSON.parse(line.slice('SPAN '.length)) as PrintedSpan);
  const done = lines.find((line) => line.startsWith('DONE '));
  return { spans, done: JSON.parse(done!.slice('DONE '.length)) };
}

describe.each(APPS_BY_MODULE_SYSTEM)('a $system app', ({ args }) => {
  it.each(MODES)('records each call once, $name', async (mode) => {
    const { spans, done } = await runApp(args, mode);

    expect(done.patched).toBe(true);
    const genAi = spans.filter(
      (span) => span.attributes['gen_ai.operation.name'] === 'chat',
    );
    expect(genAi).toHaveLength(2);
    expect(genAi.map((span) => span.scope)).toEqual([mode.scope, mode.scope]);
    expect(
      genAi.map((span) => span.attributes['gen_ai.usage.input_tokens']),
    ).toEqual([17, 17]);
    expect(
      genAi.map((span) => span.attributes['gen_ai.usage.output_tokens']),
    ).toEqual([137, 158]);
  });
});
