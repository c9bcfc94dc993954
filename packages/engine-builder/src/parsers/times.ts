import { assertJsonKind, numberField, parseTrtJson } from './common.js';
import { parseError } from './errors.js';
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
  const data = parseTrtJson(text, 'times');
  assertJsonKind(data, 'times');
  if (!Array.isArray(data)) throw parseError('times', 'expected a JSON array of iterations');
  return data.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null) throw parseError('times', `entry ${index} is not an object`);
    const record = entry as Record<string, unknown>;
    const timing = {} as IterationTiming;
    for (const field of FIELDS) timing[field] = numberField(record, field, 'times', index);
    return timing;
  });
}

/** A statistic that a source cannot provide, and why. */
export interface UnavailableStat {
  unavailable: true;
  reason: string;
}

/** Why `summarizeTimes` reports no enqueue time. */
export const ENQUEUE_FROM_TRACE_UNAVAILABLE =
  'trtexec writes startEnqMs/endEnqMs as absolute times with 6 significant digits (0.01 ms steps once they pass ' +
  '1000 ms, 0.1 ms past 10000 ms), coarser than an enqueue (a few to a few tens of microseconds); read "Enqueue Time" ' +
  'from the performance summary instead';

/** Summary statistics of an exported trace (same meaning as the performance summary's lines). */
export interface TraceSummary {
  latency: TimingStats;
  h2dLatency: TimingStats;
  gpuComputeTime: TimingStats;
  d2hLatency: TimingStats;
  /** Always unavailable: see `ENQUEUE_FROM_TRACE_UNAVAILABLE`. */
  enqueueTime: UnavailableStat;
}

/**
 * Statistics of one series in trtexec's own conventions: median of an even count is the mean of the two middle
 * values; percentile p is the value at sorted index max(n - 1 - trunc((1 - p/100) * n), 0), computed in float32 as trtexec does.
 */
export function timingStats(values: readonly number[], percentiles: readonly number[] = [90, 95, 99]): TimingStats {
  if (values.length === 0) throw parseError('times', 'no iterations to summarise');
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

/**
 * Statistics of an exported trace per component, in trtexec's conventions. Enqueue time is reported unavailable:
 * the trace's enqueue timestamps are too coarse for it (a difference of two of them is mostly 0 or 0.01 ms).
 */
export function summarizeTimes(trace: readonly IterationTiming[], percentiles?: readonly number[]): TraceSummary {
  const stats = (pick: (t: IterationTiming) => number) => timingStats(trace.map(pick), percentiles);
  return {
    latency: stats((t) => t.latencyMs),
    h2dLatency: stats((t) => t.h2dMs),
    gpuComputeTime: stats((t) => t.computeMs),
    d2hLatency: stats((t) => t.d2hMs),
    enqueueTime: { unavailable: true, reason: ENQUEUE_FROM_TRACE_UNAVAILABLE },
  };
}
