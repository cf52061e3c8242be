import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ReplayServer } from '../../../src/replay/server.js';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
} from '../../../src/semconv.js';
import { recording } from '../../support/recordings.js';
import { startReplay } from './support.js';

const run = promisify(execFile);
const APPS = fileURLToPath(new URL('../../fixtures/apps/', import.meta.url));

interface PrintedSpan {
  name: string;
  kind: number;
  scope: string;
  attributes: Record<string, unknown>;
}

const APPS_BY_MODULE_SYSTEM = [
  { system: 'CommonJS', args: [`${APPS}openai-cjs-app.cjs`] },
  {
    system: 'ESM',
    args: [
      '--import',
      `${APPS}openai-esm-bootstrap.mjs`,
      `${APPS}openai-esm-app.mjs`,
    ],
  },
];

let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay(
    [
      recording('openai--contrib-chat-completions-adds-genai-conventions'),
      recording('openai--contrib-streaming-chat-completions-records-usage'),
      recording('openai--contrib-responses-adds-genai-conventions'),
      recording('openai--contrib-embeddings-adds-genai-conventions'),
    ],
    { match: 'strict' },
  );
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

/** Reads the usage attributes of a printed span. */
function usageOf(span: PrintedSpan | undefined) {
  return {
    input: span?.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    output: span?.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
    estimated: span?.attributes[ATTR_TOKENMETER_USAGE_ESTIMATED],
  };
}

describe.each(APPS_BY_MODULE_SYSTEM)('$system app', ({ args }) => {
  it('traces each call once with its usage', async () => {
    const { spans, done } = await runApp(args);

    expect(done.patched).toBe(true);
    expect(spans.map((span) => span.name)).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'embeddings text-embedding-3-small',
    ]);
    const [chat, stream, response, embeddings] = spans;
    expect(usageOf(chat)).toEqual({ input: 22, output: 3 });
    expect(usageOf(stream)).toEqual({ input: 22, output: 4 });
    expect(usageOf(response)).toEqual({ input: 22, output: 3 });
    expect(usageOf(embeddings)).toEqual({ input: 8 });
  });

  it('creates CLIENT spans of tokenmeter', async () => {
    const { spans } = await runApp(args);

    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.scope).toBe('tokenmeter/instrumentation-openai');
      expect(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe('openai');
    }
  });
});
