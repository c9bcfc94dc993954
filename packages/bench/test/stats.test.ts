import { describe, expect, it } from 'vitest';
import { computeLatencyStats } from '../src/index.js';

describe('computeLatencyStats', () => {
  it('gives min, max, mean and interpolated percentiles of unsorted samples', () => {
    // 1..100 shuffled: order must not matter.
    const samples = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const stats = computeLatencyStats(samples);
    expect(stats.samples).toBe(100);
    expect(stats.minMs).toBe(1);
    expect(stats.maxMs).toBe(100);
    expect(stats.meanMs).toBeCloseTo(50.5, 12);
    // Linear interpolation between order statistics: rank p/100 * (n - 1) on the sorted samples.
    expect(stats.p50Ms).toBeCloseTo(1 + 0.5 * 99, 12);
    expect(stats.p90Ms).toBeCloseTo(1 + 0.9 * 99, 12);
    expect(stats.p99Ms).toBeCloseTo(1 + 0.99 * 99, 12);
  });

  it('uses the sample standard deviation and reports cv = std / mean', () => {
    const stats = computeLatencyStats([2, 4, 4, 4, 5, 5, 7, 9]);
    const mean = 5;
    const std = Math.sqrt([2, 4, 4, 4, 5, 5, 7, 9].reduce((s, x) => s + (x - mean) ** 2, 0) / 7);
    expect(stats.stdMs).toBeCloseTo(std, 12);
    expect(stats.cv).toBeCloseTo(std / mean, 12);
  });

  it('gives zero spread for a single sample', () => {
    expect(computeLatencyStats([3.5])).toMatchObject({ minMs: 3.5, p99Ms: 3.5, stdMs: 0, cv: 0 });
  });

  it('BAD CALL - refuses empty or non-finite samples', () => {
    expect(() => computeLatencyStats([])).toThrow(RangeError);
    expect(() => computeLatencyStats([1, Number.NaN])).toThrow(/finite/);
  });
});
