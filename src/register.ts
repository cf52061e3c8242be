/**
 * `node --import tokenmeter/register app.js` (or `--require` for a
 * CommonJS app): starts the OpenTelemetry SDK with tokenmeter before the
 * app loads, configured from the standard `OTEL_*` variables.
 */
import { register } from 'node:module';

import { INSTRUMENTED_MODULES } from './instrumentation/index.js';
import { shutdownOnExit, startTokenmeter } from './sdk/start.js';

// ESM imports are patched through import-in-the-middle's loader hook,
// limited to the SDK packages tokenmeter instruments.
register('import-in-the-middle/hook.mjs', import.meta.url, {
  data: { include: [...INSTRUMENTED_MODULES] },
});

const started = startTokenmeter();
if (started) {
  shutdownOnExit(() => started.shutdown());
}
