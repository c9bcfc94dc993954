import { describe, expect, it } from 'vitest';
import { compareOutputs, looksLikeMaskLogits, meetsTolerance } from '../src/fidelity/compare-outputs.js';
import {
  boxIou,
  cosineSimilarity,
  maskIou,
  maxAbsError,
  maxRelativeError,
  nonFiniteShare,
  relativeL2Error,
} from '../src/fidelity/metrics.js';

describe('tensor metrics', () => {
  it('max abs error is the largest finite difference', () => {
    expect(maxAbsError()([1, 2, 3], [1, 2.5, 1])).toBe(2);
    expect(maxAbsError()([1, 2], [1, 2])).toBe(0);
  });

  it('relative L2 error is ||a-b|| / ||b||, and Infinity once a value is not finite', () => {
    // a - b = (3, 4) -> 5; ||b|| = 10
    expect(relativeL2Error()([9, 4], [6, 8])).toBeCloseTo(0.5, 12);
    expect(relativeL2Error()([Number.POSITIVE_INFINITY, 0], [1, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(relativeL2Error()([0, 0], [0, 0])).toBe(0);
  });

  it('max relative error divides by |b| + eps', () => {
    expect(maxRelativeError({ eps: 0 })([2, 11], [1, 10])).toBe(1);
    expect(maxRelativeError({ eps: 1 })([1], [0])).toBe(1);
    expect(() => maxRelativeError({ eps: -1 })).toThrow(/eps/);
  });

  it('cosine similarity is 1 for parallel, 0 for orthogonal, -1 for opposite vectors', () => {
    expect(cosineSimilarity()([2, 0], [5, 0])).toBeCloseTo(1, 12);
    expect(cosineSimilarity()([0, 1], [1, 0])).toBe(0);
    expect(cosineSimilarity()([-1, -1], [1, 1])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity()([Number.NaN, 1], [1, 1])).toBeNaN();
  });

  it('non-finite share counts NaN and both infinities', () => {
    expect(nonFiniteShare()([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1], [0, 0, 0, 0])).toBe(
      0.75,
    );
  });

  it('mask IoU thresholds logits at 0 and counts two empty masks as agreement', () => {
    // foreground a = {0, 1}, b = {1, 2}: IoU 1/3
    expect(maskIou()([5, 1, -1, -3], [-2, 4, 0.5, -1])).toBeCloseTo(1 / 3, 12);
    expect(maskIou()([-1, -2], [-5, 0])).toBe(1);
    expect(maskIou({ threshold: 2 })([3, 1], [3, 3])).toBe(0.5);
  });

  it('BAD CALL - a metric refuses tensors of different lengths', () => {
    expect(() => maxAbsError()([1, 2], [1])).toThrow(/2 values.*1/);
  });
});

describe('boxIou', () => {
  it('is 1 for identical boxes and 0 for disjoint ones', () => {
    expect(boxIou([10, 10, 20, 20], [10, 10, 20, 20])).toBe(1);
    expect(boxIou([0, 0, 10, 10], [10, 0, 10, 10])).toBe(0);
  });

  it('is the overlap over the union for a half-shifted box', () => {
    // overlap 5x10 = 50; union 100 + 100 - 50 = 150
    expect(boxIou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(1 / 3, 12);
  });

  it('counts two absent boxes as agreement and one absent box as 0', () => {
    expect(boxIou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(1);
    expect(boxIou([0, 0, 0, 0], [3, 3, 4, 4])).toBe(0);
  });
});

describe('compareOutputs', () => {
  const t = (dims: number[], values: number[]) => ({ dims, data: Float32Array.from(values) });

  it('reports every metric per output and mask IoU only for mask-logit outputs', () => {
    const reference = { low_res_masks: t([1, 1, 1, 2], [1, -1]), obj_ptr: t([1, 2], [3, 4]) };
    const actual = { low_res_masks: t([1, 1, 1, 2], [1, 1]), obj_ptr: t([1, 2], [3, 4]) };
    const [masks, ptr] = compareOutputs(actual, reference);
    expect(masks).toMatchObject({ output: 'low_res_masks', maxAbsError: 2, maskIou: 0.5 });
    expect(ptr).toMatchObject({ output: 'obj_ptr', maxAbsError: 0, relativeL2Error: 0, nonFiniteShare: 0 });
    expect(ptr?.maskIou).toBeUndefined();
  });

  it('guesses mask outputs by name and rank, leaving memory features out', () => {
    expect(looksLikeMaskLogits('low_res_masks', [1, 3, 128, 128])).toBe(true);
    expect(looksLikeMaskLogits('maskmem_features', [1, 64, 32, 32])).toBe(false);
  });

  it('BAD CALL - refuses outputs that are missing or shaped differently', () => {
    expect(() => compareOutputs({}, { y: t([1], [0]) })).toThrow(/"y" is missing/);
    expect(() => compareOutputs({ y: t([2], [0, 0]) }, { y: t([1], [0]) })).toThrow(/dims/);
  });

  it('meets the tolerance only without non-finite values and within the relative error', () => {
    const ref = { y: t([2], [6, 8]) };
    const fine = compareOutputs({ y: t([2], [6.01, 8]) }, ref);
    const off = compareOutputs({ y: t([2], [9, 4]) }, ref);
    const broken = compareOutputs({ y: t([2], [Number.POSITIVE_INFINITY, 8]) }, ref);
    expect(meetsTolerance(fine, { relativeL2: 0.01 }).ok).toBe(true);
    expect(meetsTolerance(off, { relativeL2: 0.01 })).toMatchObject({ ok: false, worstOutput: 'y' });
    expect(meetsTolerance(off, { relativeL2: 0.01 }).worstRelativeL2).toBeCloseTo(0.5, 6);
    expect(meetsTolerance(broken, { relativeL2: 10 }).ok).toBe(false);
  });
});
