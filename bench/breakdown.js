// The prompt breakdown and the budget check before a call: the time they
// add to an OpenAI call whose response comes back at once, in the default
// mode (sizes by length) and the exact mode (sizes by tokenizer), for a
// typical support chat prompt and for a 50,000-word pasted document. Each
// mode runs in processes of its own, in alternating order, each with
// blocks of calls with the instrumentation on and off.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { alternate, median, runChild, settings } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIGS = ['chars', 'tokens'];

function callTime(config, prompt, options) {
  return runChild(
    join(here, 'prepare-child.cjs'),
    [config, prompt, String(options.calls), String(options.pairs)],
    { cwd: join(here, '..') },
  );
}

export async function run(options = settings()) {
  const prompts = [
    { prompt: 'typical', calls: options.smoke ? 20 : 400 },
    { prompt: 'long', calls: options.smoke ? 3 : 40 },
  ];
  const rounds = options.smoke ? 1 : 2;
  const pairs = options.smoke ? 1 : 10;
  const results = [];
  for (const { prompt, calls } of prompts) {
    const samples = await alternate(CONFIGS, rounds, (config) =>
      callTime(config, prompt, { calls, pairs }),
    );
    const on = (config) =>
      median(samples[config].map((run) => run.cpuMicrosOn));
    const added = (config) =>
      median(samples[config].flatMap((run) => run.addedByPair));
    const off = Object.values(samples).flatMap((runs) =>
      runs.map((run) => run.cpuMicrosOff),
    );
    results.push({
      prompt,
      micros: {
        uninstrumented: median(off),
        chars: on('chars'),
        tokens: on('tokens'),
      },
      addedMicros: { chars: added('chars'), tokens: added('tokens') },
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
