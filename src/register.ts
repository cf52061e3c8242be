/**
 * `node --import tokenmeter/register app.js` (or `--require` for a
 * CommonJS app): starts the OpenTelemetry SDK with tokenmeter before the
 * app loads, configured from the standard `OTEL_*` variables.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

import { INSTRUMENTED_MODULES } from './instrumentation/index.js';
import { BudgetConfigError } from './budget/rules.js';
import { PriceConfigError } from './pricing/overrides.js';
import { shutdownOnExit, startTokenmeter } from './sdk/start.js';

// Node also runs `--require` modules in the thread of the module loader
// hooks, where starting a second SDK and hook would be wrong.
if (isMainThread) {
  start();
}

function start(): void {
  // ESM imports are patched through import-in-the-middle's loader hook,
  // limited to the SDK packages tokenmeter instruments.
  register('import-in-the-middle/hook.mjs', import.meta.url, {
    data: { include: [...INSTRUMENTED_MODULES] },
  });

  try {
    const started = startTokenmeter();
    if (started) {
      shutdownOnExit(() => started.shutdown());
    }
  } catch (error) {
    if (!(
      error instanceof PriceConfigError || error instanceof BudgetConfigError
    )) {
      throw error;
    }
    // A bad price or budget file stops the app before it starts, with the
    // message alone: the stack trace of the bundle would only hide it.
    process.stderr.write(`tokenmeter: ${error.message}\n`);
    process.exit(1);
  }
}
