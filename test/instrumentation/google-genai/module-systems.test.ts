import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GOOGLE_GENAI_INSTRUMENTATION_NAME } from '../../../src/instrumentation/google-genai/instrumentation.js';
import type { ReplayServer } from '../../../src/replay/server.js';
import { recording } from '../../support/recordings.js';
import { startReplay } from './support.js';

const run = promisify(execFile);
const APPS = fileURLToPath(new URL('../../fixtures/apps/', import.meta.url));

interface PrintedSpan {
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}

const APPS_BY_MODULE_SYSTEM = [
  { system: 'CommonJS', args: [`${APPS}google-cjs-app.cjs`] },
  {
    system: 'ESM',
    args: [
      '--import',
      `${APPS}google-esm-bootstrap.mjs`,
      `${APPS}google-esm-app.mjs`,
    ],
  },
];

let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay([
    recording('google--generate-content-thinking'),
    recording('google--generate-content-stream'),
  ]);
});
afterAll(() => server.close());

/** Runs an app in a child Node process and reads what it printed. */
async function runApp(args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REPLAY_ORIGIN: server.origin,
  };
  // The test runner's own loader options must not reach the app.
  delete env.NODE_OPTIONS;

  const { stdout } = await run(process.execPath, args, { env, cwd: APPS });
  const lines = stdout.split('\n');
  const spans = lines
    .filter((line) => line.startsWith('SPAN '))
    .map((line) => JSON.parse(line.slice('SPAN '.length)) as PrintedSpan);
  const done = lines.find((line) => line.startsWith('DONE '));
  return { spans, done: JSON.parse(done!.slice('DONE '.length)) };
}

describe.each(APPS_BY_MODULE_SYSTEM)('a $system Gemini app', ({ args }) => {
  it('records each call once', async () => {
    const { spans, done } = await runApp(args);

    expect(done.patched).toBe(true);
    expect(spans.map((span) => span.scope)).toEqual([
      GOOGLE_GENAI_INSTRUMENTATION_NAME,
      GOOGLE_GENAI_INSTRUMENTATION_NAME,
    ]);
    expect(
      spans.map((span) => span.attributes['gen_ai.usage.input_tokens']),
    ).toEqual([324, 11]);
    expect(
      spans.map((span) => span.attributes['gen_ai.usage.output_tokens']),
    ).toEqual([1364 + 495, 41 + 87]);
  });
});
