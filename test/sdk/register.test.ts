import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ReplayServer } from '../../src/replay/server.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp/receiver.js';
import { recording } from '../support/recordings.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APPS = join(ROOT, 'test', 'fixtures', 'apps');

// gpt-4o-mini, 24 input and 3 output tokens at $0.15 and $0.60 per million.
const OPENAI_COST = (24 * 0.15 + 3 * 0.6) / 1e6;
// claude-3-opus, 17 input and 137 output tokens at $15 and $75 per million.
const ANTHROPIC_COST = (17 * 15 + 137 * 75) / 1e6;

let replay: ReplayServer;
let receiver: OtlpReceiver;

beforeAll(async () => {
  replay = new ReplayServer({
    recordings: [
      recording(
        'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
      ),
      recording('anthropic--messages'),
    ],
    match: 'strict',
  });
  receiver = new OtlpReceiver();
  await Promise.all([replay.start(), receiver.start()]);
});

afterAll(async () => {
  await Promise.all([replay.close(), receiver.close()]);
});

beforeEach(() => receiver.clear());

function runApp(flag: '--import' | '--require', app: string, env = {}) {
  return run(process.execPath, [flag, 'tokenmeter/register', join(APPS, app)], {
    cwd: ROOT,
    timeout: 30_000,
    env: {
      PATH: process.env.PATH,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_SERVICE_NAME: 'register-test',
      OPENAI_BASE_URL: `${replay.origin}/v1`,
      OPENAI_API_KEY: 'test',
      ANTHROPIC_BASE_URL: replay.origin,
      ANTHROPIC_API_KEY: 'test',
      ...env,
    },
  });
}

function genAiSpans(): ReceivedSpan[] {
  return receiver
    .spans()
    .filter(
      (span) => span.attributes['gen_ai.usage.input_tokens'] !== undefined,
    );
}

describe('tokenmeter/register', () => {
  it('prices the calls of an ESM app and exports over OTLP', async () => {
    const { stdout } = await runApp('--import', 'register-app.mjs');
    expect(stdout).toContain('done');

    const calls = genAiSpans();
    expect(
      calls.map((span) => span.attributes['gen_ai.provider.name']).sort(),
    ).toEqual(['anthropic', 'openai']);
    for (const span of calls) {
      expect(span.attributes['tokenmeter.feature']).toBe('register-test');
      expect(span.resource['service.name']).toBe('register-test');
    }

    const openai = calls.find(
      (span) => span.attributes['gen_ai.provider.name'] === 'openai',
    );
    expect(openai?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      OPENAI_COST,
      15,
    );
    const anthropic = calls.find(
      (span) => span.attributes['gen_ai.provider.name'] === 'anthropic',
    );
    expect(anthropic?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      ANTHROPIC_COST,
      15,
    );
  });

  it('writes the interaction totals and exports its metrics', async () => {
    await runApp('--import', 'register-app.mjs');

    const interaction = receiver
      .spans()
      .find((span) => span.name === 'interaction register-test');
    expect(interaction?.attributes['tokenmeter.interaction.calls']).toBe(2);
    expect(interaction?.attributes['tokenmeter.interaction.cost']).toBeCloseTo(
      OPENAI_COST + ANTHROPIC_COST,
      15,
    );

    const [count] = receiver
      .metrics()
      .filter((point) => point.name === 'tokenmeter.interactions');
    expect(count?.value).toBe(1);
    const cost = receiver
      .metrics()
      .filter((point) => point.name === 'tokenmeter.cost')
      .reduce((sum, point) => sum + (point.value ?? 0), 0);
    expect(cost).toBeCloseTo(OPENAI_COST + ANTHROPIC_COST, 15);
  });

  it('instruments a CommonJS app', async () => {
    const { stdout, stderr } = await runApp('--require', 'register-app.cjs');
    expect(stdout).toContain('done');
    // Node runs `--require` modules in its loader hooks thread too, where
    // tokenmeter starts nothing.
    expect(stderr).not.toContain('import-in-the-middle');

    const [call] = genAiSpans();
    expect(call?.name).toBe('chat gpt-4o-mini');
    expect(call?.attributes['tokenmeter.feature']).toBe('register-test-cjs');
    expect(call?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      OPENAI_COST,
      15,
    );
  });

  it('stops the app at start-up on a malformed price file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenmeter-register-'));
    const file = join(folder, 'prices.yaml');
    writeFileSync(
      file,
      'models:\n  - model: gpt-4o-mini\n    prices: { input_mtok: cheap }\n',
    );

    const failure = await runApp('--import', 'register-app.mjs', {
      TOKENMETER_PRICES_FILE: file,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain(file);
    expect(failure?.stderr).toContain('models[0].prices.input_mtok');
  });

  it('starts nothing when OTEL_SDK_DISABLED is true', async () => {
    const { stdout } = await runApp('--import', 'register-app.mjs', {
      OTEL_SDK_DISABLED: 'true',
    });

    expect(stdout).toContain('done');
    expect(receiver.received).toEqual([]);
  });
});
