// Heap growth after a million interactions through the span pipeline,
// with tokenmeter's processor and with a no-op processor in its place:
// interactions that end, and interactions whose request span never ends,
// which tokenmeter must forget after its limits.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runChild, settings } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));

async function growth(processor, interactions, ending) {
  const result = await runChild(
    join(here, 'heap-child.cjs'),
    [processor, String(interactions), ending],
    { cwd: join(here, '..'), nodeArgs: ['--expose-gc'] },
  );
  return result.after - result.before;
}

export async function run(options = settings()) {
  const interactions = options.smoke ? 10_000 : 1_000_000;
  const results = [];
  for (const ending of ['ended', 'never']) {
    const noop = await growth('noop', interactions, ending);
    const tokenmeter = await growth('tokenmeter', interactions, ending);
    results.push({
      ending,
      interactions,
      noopBytes: noop,
      tokenmeterBytes: tokenmeter,
      addedBytesPerMillion: ((tokenmeter - noop) * 1_000_000) / interactions,
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
