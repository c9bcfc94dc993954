import { quantileSorted } from '@tamkit/common';
import type { LatencyStats } from '../report/schema.js';

/**
 * Latency statistics from raw samples (ms). `stdMs` is the sample standard deviation (n - 1); `cv` = std / mean.
 * Throws RangeError for an empty or non-finite sample set: a result without samples is a bug upstream.
 */
export function computeLatencyStats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new RangeError('samples: at least one latency sample is needed');
  if (samples.some((s) => !Number.isFinite(s) || s < 0)) {
    throw new RangeError('samples: latencies must be finite, non-negative numbers of milliseconds');
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, s) => sum + s, 0) / sorted.length;
  const variance = sorted.length > 1 ? sorted.reduce((sum, s) => sum + (s - mean) ** 2, 0) / (sorted.length - 1) : 0;
  const std = Math.sqrt(variance);
  return {
    samples: sorted.length,
    minMs: sorted[0]!,
    meanMs: mean,
    p50Ms: quantileSorted(sorted, 0.5),
    p90Ms: quantileSorted(sorted, 0.9),
    p99Ms: quantileSorted(sorted, 0.99),
    maxMs: sorted.at(-1)!,
    stdMs: std,
    cv: mean > 0 ? std / mean : 0,
  };
}
