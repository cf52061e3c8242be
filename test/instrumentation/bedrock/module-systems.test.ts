import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BEDROCK_RUNTIME_INSTRUMENTATION_NAME } from '../../../src/instrumentation/bedrock/instrumentation.js';
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
  { system: 'CommonJS', args: [`${APPS}bedrock-cjs-app.cjs`] },
  {
    system: 'ESM',
    args: [
      '--import',
      `${APPS}bedrock-esm-bootstrap.mjs`,
      `${APPS}bedrock-esm-app.mjs`,
    ],
  },
];

let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay([
    recording('bedrock--converse-cache-write'),
    recording('bedrock--converse-stream'),
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
  // The SDK must never look for credentials or a region on the network.
  env.AWS_EC2_METADATA_DISABLED = 'true';

  const { stdout } = await run(process.execPath, args, { env, cwd: APPS });
  const lines = stdout.split('\n');
  const spans = lines
    .filter((line) => line.startsWith('SPAN '))
    .map((line) => JSON.parse(line.slice('SPAN '.length)) as PrintedSpan);
  const done = lines.find((line) => line.startsWith('DONE '));
  return { spans, done: JSON.parse(done!.slice('DONE '.length)) };
}

describe.each(APPS_BY_MODULE_SYSTEM)('a $system Bedrock app', ({ args }) => {
  it('records each call once', async () => {
    const { spans, done } = await runApp(args);

    expect(done.patched).toBe(true);
    expect(spans.map((span) => span.scope)).toEqual([
      BEDROCK_RUNTIME_INSTRUMENTATION_NAME,
      BEDROCK_RUNTIME_INSTRUMENTATION_NAME,
    ]);
    expect(
      spans.map((span) => span.attributes['gen_ai.usage.input_tokens']),
    ).toEqual([24 + 2048, 11]);
    expect(
      spans.map((span) => span.attributes['gen_ai.usage.output_tokens']),
    ).toEqual([312, 24]);
  });
});
