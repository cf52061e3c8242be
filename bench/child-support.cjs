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
 * Returns a function that puts the instrumented `create` of an SDK
 * resource prototype (`on`) or the SDK's own (`off`) in place. The
 * instrumentations compared here wrap `create` and keep the original as
 * `__original`.
 */
function createSwitch(prototype, label) {
  const patched = prototype.create;
  const original = patched.__original;
  if (original === undefined) {
    throw new Error(`${label} did not wrap create(): it has no __original.`);
  }
  return (on) => {
    prototype.create = on ? patched : original;
  };
}

/**
 * Times the same call with an instrumentation switched on and off, in
 * alternating blocks of `calls` calls in one process, so that both halves
 * of each pair share the process's compiled code, heap and machine state.
 * Prints the CPU time of the main thread per call with it on and off, and
 * the median over pairs of the difference. `count()` returns the GenAI
 * spans made so far: every call of an "on" block must make one, and no
 * call of an "off" block.
 */
async function timePairedCalls({
  call,
  switchTo,
  calls,
  pairs,
  count,
  result,
  shutdown,
}) {
  const block = async (on) => {
    switchTo(on);
    const spansBefore = count();
    const cpuStart = process.threadCpuUsage();
    const start = process.hrtime.bigint();
    for (let index = 0; index < calls; index++) {
      await call();
    }
    const wall = Number(process.hrtime.bigint() - start) / 1000 / calls;
    const cpu = process.threadCpuUsage(cpuStart);
    // A span may end a tick after its call returns.
    await new Promise((resolve) => setImmediate(resolve));
    const spans = count() - spansBefore;
    const expected = on ? calls : 0;
    if (spans !== expected) {
      throw new Error(
        `A block ${on ? 'on' : 'off'} made ${spans} spans for ${calls} calls, expected ${expected}.`,
      );
    }
    return { cpu: (cpu.user + cpu.system) / calls, wall };
  };

  // Warm both paths up before timing. Up to four pairs let the compiler
  // optimize the code both run, and gave steadier figures than one pair.
  for (let warmup = 0; warmup < Math.min(pairs, 4); warmup++) {
    await block(true);
    await block(false);
  }
  const on = [];
  const off = [];
  for (let pair = 0; pair < pairs; pair++) {
    // Alternate which half goes first, so that drift affects both.
    const first = pair % 2 === 0;
    const firstRun = await block(first);
    const secondRun = await block(!first);
    on.push(first ? firstRun : secondRun);
    off.push(first ? secondRun : firstRun);
  }
  await shutdown?.();

  const added = on.map((run, index) => run.cpu - off[index].cpu);

  process.stdout.write(
    JSON.stringify({
      cpuMicrosOn: median(on.map((run) => run.cpu)),
      cpuMicrosOff: median(off.map((run) => run.cpu)),
      addedCpuMicros: median(added),
      addedByPair: added,
      wallMicrosOn: median(on.map((run) => run.wall)),
      wallMicrosOff: median(off.map((run) => run.wall)),
      calls,
      pairs,
      ...result(),
    }),
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a benchmark process's main function and reports its failure. */
function runMain(main) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}

module.exports = {
  GEN_AI_CALL,
  QuietReader,
  createSwitch,
  runMain,
  timePairedCalls,
};
