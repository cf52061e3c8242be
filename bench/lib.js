// Helpers shared by the benchmarks: timing with tinybench, ratios of a
// candidate against a baseline measured in the same run, and the
// machine's description.
import os from 'node:os';

import { Bench } from 'tinybench';

/** Benchmark settings: `--smoke` runs a few iterations only. */
export function settings(argv = process.argv) {
  const smoke = argv.includes('--smoke');
  return {
    smoke,
    // Milliseconds per task per round, and rounds per comparison.
    time: smoke ? 20 : 1500,
    rounds: smoke ? 1 : 5,
  };
}

/**
 * Times `baseline` and `candidate` in alternating rounds and returns the
 * mean time of each in nanoseconds, with the median of the per-round
 * ratios and differences, so that slow drift of the machine affects both.
 */
export async function compare(name, baseline, candidate, options) {
  const ratios = [];
  const added = [];
  let baselineNs = 0;
  let candidateNs = 0;
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({ time: options.time, warmup: true });
    const order =
      round % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const label of order) {
      bench.add(label, label === 'baseline' ? baseline : candidate);
    }
    await bench.run();

    const base = meanNs(bench.getTask('baseline'));
    const cand = meanNs(bench.getTask('candidate'));
    baselineNs += base / options.rounds;
    candidateNs += cand / options.rounds;
    ratios.push(cand / base);
    added.push(cand - base);
  }
  return {
    name,
    baselineNs,
    candidateNs,
    ratio: median(ratios),
    addedNs: median(added),
  };
}

/** The mean latency of a finished tinybench task, in nanoseconds. */
export function meanNs(task) {
  const latency = task.result?.latency ?? task.result;
  const meanMs = latency?.mean;
  if (typeof meanMs !== 'number') {
    throw new Error(
      `Task ${task.name} has no result: ${task.result?.error ?? ''}`,
    );
  }
  return meanMs * 1e6;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The machine, Node version and date of a run. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores)`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

/**
 * Runs one benchmark process with this Node and returns the JSON it
 * prints; a process that fails fails the benchmark with its error output.
 */
export async function runChild(script, args, options = {}) {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...(options.nodeArgs ?? []), script, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 1 << 22,
      },
    );
    return JSON.parse(stdout);
  } catch (error) {
    throw new Error(
      `${script} ${args.join(' ')} failed: ${error.stderr || error.message}`,
      { cause: error },
    );
  }
}

/**
 * Runs every configuration once per round, in an order that rotates from
 * round to round, and returns each configuration's results by round.
 */
export async function alternate(configs, rounds, runOne) {
  const results = Object.fromEntries(configs.map((config) => [config, []]));
  for (let round = 0; round < rounds; round++) {
    const order = configs.map(
      (_, index) => configs[(index + round) % configs.length],
    );
    for (const config of order) {
      results[config].push(await runOne(config));
    }
  }
  return results;
}
