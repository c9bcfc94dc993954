import { describe, expect, it } from 'vitest';
import { median, quantile, quantileSorted } from '../src/index.js';

describe('quantile and median', () => {
  it('interpolate linearly between order statistics (R-7, numpy default)', () => {
    expect(quantileSorted([10, 20], 0.25)).toBeCloseTo(12.5, 12);
    // numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], 0.9) = 6.9 (rank 0.9 * 7 = 6.3 between 6 and 9)
    expect(quantile([3, 1, 4, 1, 5, 9, 2, 6], 0.9)).toBeCloseTo(6.9, 12);
    expect(quantile([7, 1, 3], 0)).toBe(1);
    expect(quantile([7, 1, 3], 1)).toBe(7);
  });

  it('median is the middle value, or the mean of the two middle values for an even count, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const values = [9, 2, 7];
    median(values);
    expect(values).toEqual([9, 2, 7]);
  });

  it('gives NaN for no values', () => {
    expect(median([])).toBeNaN();
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});
