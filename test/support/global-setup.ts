import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the package once before the tests, because the tests that start
 * Node processes with `--import tokenmeter/register` run the built files.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}
