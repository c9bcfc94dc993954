import { numberField, parseError, parseTrtJson } from './common.js';
import type { TimingStats } from './summary.js';

/** One timed iteration from `--exportTimes` (all values in ms; start/end are offsets from trtexec's clock origin). */
export interface IterationTiming {
  startEnqMs: number;
  endEnqMs: number;
  startH2dMs: number;
  endH2dMs: number;
  startComputeMs: number;
  endComputeMs: number;
  startD2hMs: number;
  endD2hMs: number;
  h2dMs: number;
  computeMs: number;
  d2hMs: number;
  /** H2D + compute + D2H. */
  latencyMs: number;
}

const FIELDS: (keyof IterationTiming)[] = [
  'startEnqMs',
  'endEnqMs',
  'startH2dMs',
  'endH2dMs',
  'startComputeMs',
  'endComputeMs',
  'startD2hMs',
  'endD2hMs',
  'h2dMs',
  'computeMs',
  'd2hMs',
  'latencyMs',
];

/**
 * Parses the JSON trace `trtexec --exportTimes` writes: an array with one object per timed iteration
 * (warm-up iterations excluded by trtexec). Every field must be present and numeric.
 */
export function parseExportTimes(text: string): IterationTiming[] {
  const what = 'trtexec --exportTimes trace';
  const data = parseTrtJson(text, what);
  if (!Array.isArray(data)) throw parseError(what, 'expected a JSON array of iterations');
  return data.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null) throw parseError(what, `entry ${index} is not an object`);
    const record = entry as Record<string, unknown>;
    const timing = {} as IterationTiming;
    for (const field of FIELDS) timing[field] = numberField(record, field, what, index);
    return timing;
  });
}

/**
 * Statistics of one series in trtexec's own conventions: median of an even count is the mean of the two middle
 * values; percentile p is the value at sorted index max(n - 1 - trunc((1 - p/100) * n), 0), computed in float32 as trtexec does.
 */
export function timingStats(values: readonly number[], percentiles: readonly number[] = [90, 95, 99]): TimingStats {
  if (values.length === 0) throw parseError('timing series', 'no iterations to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const result: TimingStats = {
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean: sorted.reduce((a, b) => a + b, 0) / n,
    median,
    percentiles: {},
  };
  for (const p of percentiles) {
    // trtexec computes this in single precision; doing it in doubles picks a different sample (p90 of 10 values).
    const f = Math.fround;
    const exclude = Math.trunc(f(f(1 - f(f(p) / 100)) * f(n)));
    result.percentiles[String(p)] = sorted[Math.max(n - 1 - exclude, 0)]!;
  }
  return result;
}

/** Summary statistics of an exported trace, per component (same meaning as the performance summary's lines). */
export function summarizeTimes(
  trace: readonly IterationTiming[],
  percentiles?: readonly number[],
): {
  latency: TimingStats;
  enqueueTime: TimingStats;
  h2dLatency: TimingStats;
  gpuComputeTime: TimingStats;
  d2hLatency: TimingStats;
} {
  return {
    latency: timingStats(
      trace.map((t) => t.latencyMs),
      percentiles,
    ),
    enqueueTime: timingStats(
      trace.map((t) => t.endEnqMs - t.startEnqMs),
      percentiles,
    ),
    h2dLatency: timingStats(
      trace.map((t) => t.h2dMs),
      percentiles,
    ),
    gpuComputeTime: timingStats(
      trace.map((t) => t.computeMs),
      percentiles,
    ),
    d2hLatency: timingStats(
      trace.map((t) => t.d2hMs),
      percentiles,
    ),
  };
}
