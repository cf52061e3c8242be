import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { expect } from 'vitest';

import type { Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import { clientsFor, genAiSpans, send } from '../support/sdk-clients.js';
import type { TestTracing } from '../support/tracing.js';

const run = promisify(execFile);

/** The fixture project that installs other projects' instrumentations. */
export const PEERS_DIR = fileURLToPath(
  new URL('../fixtures/peers/', import.meta.url),
);

/** Requires a package installed in the peers fixture project. */
export const requirePeer = createRequire(`${PEERS_DIR}package.json`);

/** One ended span, as `run-calls.cjs` prints it. */
export interface PrintedSpan {
  name: string;
  scope: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/**
 * Replays recordings to a child Node process in which the named
 * instrumentation of the peers project patches its SDK, with tokenmeter's
 * CostSpanProcessor in the pipeline, and returns the spans it printed.
 */
export async function runPeer(
  instrumentation: string,
  recordings: Recording[],
): Promise<PrintedSpan[]> {
  const server = new ReplayServer({ recordings, match: 'strict' });
  await server.start();

  const requests = recordings.flatMap((recording) =>
    recording.exchanges.map((exchange) => ({
      url: exchange.request.url,
      body: exchange.request.body,
    })),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REPLAY_ORIGIN: server.origin,
    PEER_REQUESTS: JSON.stringify(requests),
  };
  // The test runner's own loader options must not reach the child.
  delete env.NODE_OPTIONS;

  try {
    const { stdout } = await run(
      process.execPath,
      [`${PEERS_DIR}run-calls.cjs`, instrumentation],
      { env, cwd: PEERS_DIR },
    );
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('SPAN '))
      .map((line) => JSON.parse(line.slice('SPAN '.length)) as PrintedSpan);
  } finally {
    await server.close();
  }
}

/**
 * Sends a recording's requests through tokenmeter's own instrumentation
 * (patched by `instrumentBoth`) and returns the cost that the
 * CostSpanProcessor in `tracing` wrote on its one GenAI span.
 */
export async function ownCost(
  tracing: TestTracing,
  recorded: Recording,
): Promise<number> {
  const server = new ReplayServer({ recordings: [recorded], match: 'strict' });
  await server.start();
  tracing.reset();
  try {
    for (const exchange of recorded.exchanges) {
      await send(clientsFor(server), exchange.request);
    }
  } finally {
    await server.close();
  }

  const spans = genAiSpans(tracing.spans());
  expect(spans).toHaveLength(1);
  const cost = spans[0]!.attributes['gen_ai.usage.cost.amount'];
  expect(cost).toBeTypeOf('number');
  return cost as number;
}
