/** Runs `npm ci` in a folder whose install is missing or older than its lockfile. */
export function ensureInstalled(folder: string): void;
