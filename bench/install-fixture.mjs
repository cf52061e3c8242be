// Installs a fixture project (other projects' instrumentations and SDK
// versions) for the tests and the benchmarks.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

/** Runs `npm ci` in a folder whose install is missing or older than its lockfile. */
export function ensureInstalled(folder) {
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
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
