import { Bench } from 'tinybench';
import type { LatencyStats } from '../report/schema.js';
import type { Runner } from '../stacks/runner.js';
import type { Feeds, Outputs } from '../stacks/types.js';
import { latencyWithSamples } from './latency-samples.js';
import { computeLatencyStats } from './stats.js';

/** How long to measure one module on one stack. */
export interface MeasureBudget {
  /** Untimed runs first (caches, allocator, GPU pipelines). Default 10. */
  warmupIterations?: number;
  /** Timed runs. When set, `timeMs` is ignored. */
  iterations?: number;
  /** Time budget of the timed phase in ms, used when `iterations` is absent. Default 2000. */
  timeMs?: number;
}

export interface Measurement {
  latency: LatencyStats;
  /** Device-to-host copy of outputs, measured separately when the runner keeps outputs on the device. */
  d2h?: LatencyStats;
  h2d?: LatencyStats;
  /** The raw samples behind `d2h` (in-process runners), for callers that pool several measurements. */
  d2hSamples?: number[];
}

export const DEFAULT_WARMUP_ITERATIONS = 10;
export const DEFAULT_TIME_MS = 2000;

function validateBudget(budget: MeasureBudget): void {
  const { warmupIterations, iterations, timeMs } = budget;
  if (warmupIterations !== undefined && !(Number.isInteger(warmupIterations) && warmupIterations >= 0)) {
    throw new RangeError(`budget.warmupIterations must be a non-negative integer, got ${warmupIterations}`);
  }
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations > 0)) {
    throw new RangeError(`budget.iterations must be a positive integer, got ${iterations}`);
  }
  if (timeMs !== undefined && !(Number.isFinite(timeMs) && timeMs > 0)) {
    throw new RangeError(`budget.timeMs must be a positive number of milliseconds, got ${timeMs}`);
  }
}

/**
 * Times `runner.infer(feeds)` with tinybench: warm-up, then a fixed iteration count or time budget. Each sample
 * is one awaited inference. When outputs come back on the device, they are downloaded after each run and that
 * copy is timed separately (`d2h`), so `latency` is the inference alone. Self-timed runners (trtexec) measure
 * themselves with the same budget.
 */
export async function measureRunner(
  runner: Runner,
  feeds: Feeds,
  budget: MeasureBudget,
  shapes: Record<string, number[]>,
): Promise<Measurement> {
  validateBudget(budget);
  const warmupIterations = budget.warmupIterations ?? DEFAULT_WARMUP_ITERATIONS;
  if (runner.capabilities.selfTimed) {
    const self = await runner.measureSelf({
      warmupIterations,
      shapes,
      ...(budget.iterations === undefined
        ? { timeMs: budget.timeMs ?? DEFAULT_TIME_MS }
        : { iterations: budget.iterations }),
    });
    return {
      latency: latencyWithSamples(self.latencyMs),
      ...(self.h2dMs?.length ? { h2d: computeLatencyStats(self.h2dMs) } : {}),
      ...(self.d2hMs?.length ? { d2h: computeLatencyStats(self.d2hMs) } : {}),
    };
  }

  let d2hSamples: number[] = [];
  let inferSamples: number[] = [];
  const onDevice = (outputs: Outputs) => Object.values(outputs).some((t) => t.location !== 'cpu');
  const bench = new Bench({
    warmup: warmupIterations > 0,
    warmupIterations,
    warmupTime: 0,
    ...(budget.iterations === undefined
      ? { iterations: 1, time: budget.timeMs ?? DEFAULT_TIME_MS }
      : { iterations: budget.iterations, time: 0 }),
    retainSamples: true,
    throws: true,
  });
  bench.add(
    runner.stack,
    async () => {
      const outputs = await runner.infer(feeds);
      if (onDevice(outputs)) {
        inferSamples.push(runner.lastInferenceMs!);
        await runner.toHost(outputs);
        d2hSamples.push(runner.lastTransferMs!);
      }
    },
    {
      // Only the timed phase's copies count.
      beforeAll(mode) {
        if (mode === 'run') {
          d2hSamples = [];
          inferSamples = [];
        }
      },
    },
  );
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || !('latency' in result) || result.latency.samples === undefined) {
    throw new Error(`tinybench returned no samples for ${runner.stack} (state ${result?.state ?? 'unknown'})`);
  }
  // With device outputs the tinybench sample includes the download: report the inference alone, copies apart.
  const latencySamples = d2hSamples.length > 0 ? inferSamples : [...result.latency.samples];
  return {
    latency: latencyWithSamples(latencySamples),
    ...(d2hSamples.length > 0 ? { d2h: computeLatencyStats(d2hSamples), d2hSamples } : {}),
  };
}
