// Runs every benchmark on this machine and writes BENCHMARKS.md: each
// figure against a baseline measured in the same run, and each target
// met or its miss explained.
//
//   npm run bench                        full run, writes BENCHMARKS.md
//   npm run bench -- --smoke             a few iterations, writes nothing
//   node bench/run.js --render FILE      writes the page from saved results
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { run as runBreakdown } from './breakdown.js';
import { run as runHeap } from './heap.js';
import { ensureInstalled } from './install-fixture.mjs';
import { machine, settings } from './lib.js';
import { run as runProcessor } from './processor.js';
import { render } from './report.js';
import { run as runSdkCall } from './sdk-call.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function measure(options) {
  const step = async (name, run) => {
    const started = Date.now();
    process.stderr.write(`bench: ${name}...`);
    const result = await run(options);
    process.stderr.write(` ${Math.round((Date.now() - started) / 1000)} s\n`);
    return result;
  };
  return {
    machine: machine(),
    command: options.smoke ? 'npm run bench -- --smoke' : 'npm run bench',
    processor: await step('processor per span', runProcessor),
    sdkCall: await step('SDK calls', runSdkCall),
    breakdown: await step('breakdown and budget check', runBreakdown),
    heap: await step('heap', runHeap),
  };
}

async function main() {
  const renderIndex = process.argv.indexOf('--render');
  if (renderIndex !== -1) {
    const results = JSON.parse(
      readFileSync(process.argv[renderIndex + 1], 'utf8'),
    );
    writeFileSync(join(root, 'BENCHMARKS.md'), render(results));
    return;
  }

  const options = settings();
  ensureInstalled(join(root, 'test', 'fixtures', 'peers'));
  ensureInstalled(join(root, 'bench', 'peers'));
  const results = await measure(options);
  const page = render(results);
  if (options.smoke) {
    // A smoke run only checks that the benchmarks work.
    console.log(page);
    return;
  }
  mkdirSync(join(root, '.tmp'), { recursive: true });
  writeFileSync(
    join(root, '.tmp', 'bench-results.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  writeFileSync(join(root, 'BENCHMARKS.md'), page);
  console.log(page);
}

await main();
