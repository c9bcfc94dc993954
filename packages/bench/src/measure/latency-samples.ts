import type { LatencyStats } from '../report/schema.js';
import { computeLatencyStats } from './stats.js';

/** Keeps a sample to 1 ns: finer digits are below any timer's resolution and only make reports larger. */
function toNanosecond(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/**
 * Latency statistics that also carry the raw samples (in measurement order, to 1 ns), and for interleaved runs
 * the round of each, so that `bench compare` can bootstrap its intervals from them.
 */
export function latencyWithSamples(samples: readonly number[], rounds?: readonly number[]): LatencyStats {
  if (rounds !== undefined && rounds.length !== samples.length) {
    throw new RangeError(`rounds: one round index per sample is needed (${rounds.length} for ${samples.length})`);
  }
  return {
    ...computeLatencyStats(samples),
    samplesMs: samples.map(toNanosecond),
    ...(rounds === undefined ? {} : { sampleRounds: [...rounds] }),
  };
}
