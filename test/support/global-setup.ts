import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { ensureInstalled } from '../../bench/install-fixture.mjs';

/**
 * Builds the package once before the tests, because the tests that start
 * Node processes with `--import tokenmeter/register` run the built files,
 * and installs the peers fixture project (other projects'
 * instrumentations) when it is missing or older than its lockfile.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  ensureInstalled(`${root}test/fixtures/peers`);
}
