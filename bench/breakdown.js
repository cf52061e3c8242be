// The prompt breakdown and the budget check before a call: the time they
// add to an OpenAI call whose response comes back at once, in the default
// mode (sizes by length) and the exact mode (sizes by tokenizer), for a
// typical support chat prompt and for a 50,000-word pasted document. Each
// configuration runs in a process of its own, in alternating order.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { alternate, median, runChild, settings } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIGS = ['uninstrumented', 'chars', 'tokens'];

async function callTime(config, prompt, calls) {
  const result = await runChild(
    join(here, 'prepare-child.cjs'),
    [config, prompt, String(calls)],
    { cwd: join(here, '..') },
  );
  const expected = config === 'uninstrumented' ? 0 : calls;
  if (result.spans < expected) {
    throw new Error(
      `${config} sized ${result.spans} prompts of ${calls} calls.`,
    );
  }
  return result.microsPerCall;
}

export async function run(options = settings()) {
  const prompts = [
    { prompt: 'typical', calls: options.smoke ? 20 : 3000 },
    { prompt: 'long', calls: options.smoke ? 3 : 60 },
  ];
  const rounds = options.smoke ? 1 : 5;
  const results = [];
  for (const { prompt, calls } of prompts) {
    const samples = await alternate(CONFIGS, rounds, (config) =>
      callTime(config, prompt, calls),
    );
    const added = (config) =>
      median(
        samples[config].map(
          (value, round) => value - samples.uninstrumented[round],
        ),
      );
    results.push({
      prompt,
      micros: Object.fromEntries(
        CONFIGS.map((config) => [config, median(samples[config])]),
      ),
      addedMicros: { chars: added('chars'), tokens: added('tokens') },
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
