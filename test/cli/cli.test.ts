import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { OtlpReceiver } from '../support/otlp/receiver.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...env },
  });
}

function row(output: string, feature: string): string[] {
  const line = output
    .split('\n')
    .find((text) => text.startsWith(`${feature} `));
  return line?.trim().split(/\s+/) ?? [];
}

describe('tokenmeter demo', () => {
  it('prints the cost of each feature per interaction', async () => {
    const { stdout } = await cli(['demo', '--interactions', '2']);

    // Two jokes on claude-3-opus, 17 input and 137 output tokens at $15 and
    // $75 per million, and a third interaction whose pasted document the
    // budget blocked, at no cost.
    expect(row(stdout, 'chat')).toEqual([
      'chat',
      '3',
      '0.7',
      '103',
      '$0.007020',
      '$0.021060',
    ]);
    // Two gpt-4o-mini calls: 57 + 125 input, 46 + 26 output tokens at
    // $0.15 and $0.60 per million.
    const agent = row(stdout, 'weather-agent');
    expect(agent.slice(0, 4)).toEqual(['weather-agent', '2', '2.0', '254']);
    expect(Number(agent[4]?.slice(1))).toBeCloseTo(0.0000705, 5);
    expect(agent[5]).toBe('$0.000141');
    // 8 embedding tokens, then 24 input and 3 output tokens; the second
    // time the answer comes from the cache, with no call.
    expect(row(stdout, 'ask-docs').slice(0, 4)).toEqual([
      'ask-docs',
      '2',
      '1.0',
      '18',
    ]);
    expect(stdout).toContain('the metrics went to the console only');
  });

  it('shows where the spend goes, the savings and a blocked request', async () => {
    const { stdout } = await cli(['demo', '--interactions', '2']);

    expect(stdout).toContain('Where the spend goes:');
    expect(stdout).toMatch(/weather-agent\s+.*tool_definitions \d+%/);
    // The cached answer avoided 24 input and 3 output tokens of gpt-4o-mini.
    expect(stdout).toContain('Saved by response cache: $0.000005');
    expect(stdout).toMatch(
      /This request is too long for chat: about [\d,]+ tokens, over the limit of 8,000\. Requests sent: 0\./,
    );
  });

  it('sends metrics to the OTLP endpoint when one is set', async () => {
    const receiver = new OtlpReceiver();
    const origin = await receiver.start();
    try {
      const { stdout } = await cli(['demo', '--interactions', '1'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: origin,
      });

      expect(stdout).toContain(`sent over OTLP/HTTP to ${origin}`);
      const features = new Set(
        receiver
          .metrics()
          .filter((point) => point.name === 'tokenmeter.interactions')
          .map((point) => point.attributes['tokenmeter.feature']),
      );
      expect(features).toEqual(new Set(['chat', 'ask-docs', 'weather-agent']));
    } finally {
      await receiver.close();
    }
  });

  it('stops on a malformed price file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenmeter-demo-'));
    const file = join(folder, 'prices.yaml');
    writeFileSync(file, 'models:\n  - model: gpt-4o-mini\n    prices: {}\n');

    const failure = await cli(['demo'], { TOKENMETER_PRICES_FILE: file }).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'models[0].prices',
    );
  });

  it('rejects an invalid interaction count', async () => {
    const failure = await cli(['demo', '--interactions', 'many']).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'Invalid --interactions "many"',
    );
  });
});

describe('tokenmeter prices', () => {
  it('prints the prices of a dated snapshot', async () => {
    const { stdout } = await cli(['prices', 'gpt-4o-2024-11-20']);

    expect(stdout).toContain('openai/gpt-4o');
    expect(stdout).toMatch(/input\s+2\.5/);
    expect(stdout).toMatch(/cache read\s+1\.25/);
  });

  it('fails for an unknown model', async () => {
    const failure = await cli(['prices', 'no-such-model-xyz']).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'No price is known',
    );
  });
});

describe('tokenmeter', () => {
  it('prints usage after an unknown option', async () => {
    const failure = await cli(['prices', '--cheap']).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'Usage: tokenmeter',
    );
  });

  it('prints usage for an unknown command', async () => {
    const failure = await cli(['frobnicate']).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'Unknown command "frobnicate"',
    );
  });
});
