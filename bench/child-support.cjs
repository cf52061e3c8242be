// What the benchmark processes share: a span pipeline with tokenmeter's
// processor, the attributes of a priced model call, and a timed loop of
// calls that prints its result as JSON.
const { MetricReader } = require('@opentelemetry/sdk-metrics');

/** A metric reader that never exports: metrics are recorded, not sent. */
class QuietReader extends MetricReader {
  onForceFlush() {
    return Promise.resolve();
  }
  onShutdown() {
    return Promise.resolve();
  }
}

/** A model call as the GenAI conventions describe it, with cache reads. */
const GEN_AI_CALL = Object.freeze({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.cache_read.input_tokens': 1024,
  'gen_ai.usage.output_tokens': 300,
});

/**
 * Warms up, then times `calls` sequential calls of `call` and prints
 * `{ microsPerCall, cpuMicrosPerCall, ...result() }`: the wall time and
 * the CPU time of this process per call. `beforeTiming` runs after the
 * warmup.
 */
async function timeCalls({ call, calls, beforeTiming, result, shutdown }) {
  const warmup = Math.max(20, Math.floor(calls / 5));
  for (let index = 0; index < warmup; index++) {
    await call();
  }
  await beforeTiming?.();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let index = 0; index < calls; index++) {
    await call();
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await shutdown?.();
  process.stdout.write(
    JSON.stringify({
      microsPerCall: elapsed / calls,
      cpuMicrosPerCall: (cpu.user + cpu.system) / calls,
      calls,
      ...result(),
    }),
  );
}

/** Runs a benchmark process's main function and reports its failure. */
function runMain(main) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}

module.exports = { GEN_AI_CALL, QuietReader, runMain, timeCalls };
