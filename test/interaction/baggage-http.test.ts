import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ReplayServer } from '../../src/replay/server.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp/receiver.js';
import { recording } from '../support/recordings.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APPS = join(ROOT, 'test', 'fixtures', 'apps');

let replay: ReplayServer;
let receiver: OtlpReceiver;
let downstream: ChildProcess;
let interactionId: string;

function environment(service: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    OPENAI_BASE_URL: `${replay.origin}/v1`,
    OPENAI_API_KEY: 'test',
  };
}

async function startDownstream(): Promise<string> {
  downstream = spawn(
    process.execPath,
    ['--import', 'tokenmeter/register', join(APPS, 'baggage-downstream.mjs')],
    { cwd: ROOT, env: environment('downstream') },
  );
  const [chunk] = (await once(downstream.stdout!, 'data')) as [Buffer];
  const port = /port (\d+)/.exec(chunk.toString())?.[1];
  return `http://127.0.0.1:${port}/`;
}

function servicesSpans(service: string): ReceivedSpan[] {
  return receiver
    .spans()
    .filter((span) => span.resource['service.name'] === service);
}

beforeAll(async () => {
  replay = new ReplayServer({
    recordings: [
      recording(
        'openai--contrib-chat-completions-adds-genai-conventions-with-system-message',
      ),
    ],
  });
  receiver = new OtlpReceiver();
  await Promise.all([replay.start(), receiver.start()]);

  const url = await startDownstream();
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tokenmeter/register', join(APPS, 'baggage-upstream.mjs')],
    {
      cwd: ROOT,
      timeout: 30_000,
      env: { ...environment('upstream'), DOWNSTREAM_URL: url },
    },
  );
  interactionId = /interaction (\S+)/.exec(stdout)?.[1] ?? '';

  downstream.kill('SIGTERM');
  await once(downstream, 'exit');
  await receiver.waitFor(
    () =>
      servicesSpans('downstream').some((span) => span.name.startsWith('chat')),
    10_000,
  );
}, 60_000);

afterAll(async () => {
  downstream?.kill('SIGKILL');
  await Promise.all([replay.close(), receiver.close()]);
});

describe('attribution across two services', () => {
  it('gives the downstream call the caller feature and interaction', () => {
    const [call] = servicesSpans('downstream').filter((span) =>
      span.name.startsWith('chat'),
    );

    expect(interactionId).not.toBe('');
    expect(call?.attributes['tokenmeter.feature']).toBe('search');
    expect(call?.attributes['tokenmeter.interaction.id']).toBe(interactionId);
    expect(call?.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
  });

  it('puts both calls in one trace', () => {
    const calls = receiver
      .spans()
      .filter((span) => span.name.startsWith('chat'));

    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((span) => span.traceId)).size).toBe(1);
  });

  it('counts the interaction only where it was opened', () => {
    const interactions = receiver
      .metrics()
      .filter((point) => point.name === 'tokenmeter.interactions');

    expect(interactions.map((point) => point.resource['service.name'])).toEqual(
      ['upstream'],
    );
    const downstreamCost = receiver
      .metrics()
      .filter(
        (point) =>
          point.name === 'tokenmeter.cost' &&
          point.resource['service.name'] === 'downstream',
      );
    expect(downstreamCost.length).toBeGreaterThan(0);
    expect(
      downstreamCost.every(
        (point) => point.attributes['tokenmeter.feature'] === 'search',
      ),
    ).toBe(true);
  });
});
