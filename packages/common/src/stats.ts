/**
 * Order statistics shared by every package that summarises samples (latencies, errors). One rule everywhere:
 * linear interpolation between order statistics, the "R-7" rule of numpy's and R's default.
 */

/** Quantile `q` in [0, 1] of values already sorted ascending; NaN for none. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** Quantile `q` in [0, 1] of values in any order (they are not modified); NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** The median (the mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
