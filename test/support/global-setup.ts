import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Builds the package once before the tests, because the tests that start
 * Node processes with `--import tokenmeter/register` run the built files,
 * and installs the peers fixture project (other projects'
 * instrumentations) when it is missing or older than its lockfile.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  installPeers(`${root}test/fixtures/peers`);
}

function installPeers(folder: string): void {
  // npm ci writes this copy of the lockfile into node_modules.
  const installed = `${folder}/node_modules/.package-lock.json`;
  const lockfile = `${folder}/package-lock.json`;
  if (
    existsSync(installed) &&
    statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs
  ) {
    return;
  }
  execFileSync(
    'npm',
    ['ci', '--prefix', folder, '--no-audit', '--no-fund', '--loglevel=error'],
    { stdio: 'inherit' },
  );
}
