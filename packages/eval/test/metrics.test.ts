import { describe, expect, it } from 'vitest';
import { type Box, toBoxSeries } from '../src/lasot/boxes.js';
import { aggregateScores } from '../src/metrics/aggregate.js';
import { CONVENTIONS, type Convention } from '../src/metrics/convention.js';
import { centreError, inclusiveIou, normalizedCentreError } from '../src/metrics/iou.js';
import { type SequenceScoreInput, scoreSequence } from '../src/metrics/sequence-score.js';

const G: Box = [1, 1, 10, 10];

function input(predicted: Box[], groundTruth: Box[], absent?: number[]): SequenceScoreInput {
  return {
    name: 'seq-1',
    predicted: toBoxSeries(predicted),
    groundTruth: toBoxSeries(groundTruth),
    absent: absent ? Uint8Array.from(absent) : undefined,
  };
}

describe('inclusive-pixel IoU and centre error', () => {
  it('gives 1 for identical boxes', () => {
    expect(inclusiveIou(...G, ...G)).toBe(1);
  });

  it('gives 0 for disjoint boxes', () => {
    expect(inclusiveIou(1, 1, 10, 10, 50, 50, 10, 10)).toBe(0);
  });

  it('counts one shared pixel column as overlap', () => {
    // [1..10] and [10..19] share column 10: intersection 1 x 10 = 10 px, union 100 + 100 - 10 = 190.
    expect(inclusiveIou(1, 1, 10, 10, 10, 1, 10, 10)).toBeCloseTo(10 / 190, 12);
  });

  it('scores a one-pixel shift as 9/11', () => {
    // Columns 1..10 vs 2..11: 9 shared columns x 10 rows = 90; union 200 - 90 = 110.
    expect(inclusiveIou(1, 1, 10, 10, 2, 1, 10, 10)).toBeCloseTo(90 / 110, 12);
  });

  it('measures the centre at x + (w - 1) / 2', () => {
    // Centres (5.5, 5.5) and (8.5, 9.5): distance sqrt(3^2 + 4^2) = 5.
    expect(centreError(1, 1, 10, 10, 4, 5, 10, 10)).toBe(5);
  });

  it('normalizes the centre error by the ground-truth size', () => {
    // dx = 2 px over w = 10 and dy = 4 px over h = 20: sqrt(0.2^2 + 0.2^2).
    expect(normalizedCentreError(3, 5, 10, 20, 1, 1, 10, 20)).toBeCloseTo(Math.SQRT2 * 0.2, 12);
  });
});

describe.each(CONVENTIONS)('scoreSequence under the %s convention', (convention: Convention) => {
  it('gives success 1 below threshold 1 and 0 at 1 for identical boxes, so AUC 20/21', () => {
    // IoU = 1 > t for the 20 thresholds 0..0.95; 1 > 1 is false for the last one.
    const score = scoreSequence(input([G, G, G], [G, G, G]), convention);
    expect(Array.from(score.success)).toEqual([...new Array(20).fill(1), 0]);
    expect(score.auc).toBeCloseTo(20 / 21, 12);
    expect(score.precisionAt20).toBe(1);
    expect(score.normalizedPrecisionAt20).toBe(1);
    expect(score.miou).toBe(1);
  });

  it('replaces the first prediction by the ground truth', () => {
    const score = scoreSequence(input([[500, 500, 3, 3], G], [G, G]), convention);
    expect(score.auc).toBeCloseTo(20 / 21, 12);
  });

  it('counts disjoint far-away predictions as failures, with every frame in the denominator', () => {
    // 4 frames: frame 1 is the ground truth (IoU 1, error 0), frames 2-4 are 100 px away (IoU 0, error > 50).
    const far: Box = [101, 101, 10, 10];
    const score = scoreSequence(input([G, far, far, far], [G, G, G, G]), convention);
    expect(score.success[0]).toBe(1 / 4);
    expect(score.auc).toBeCloseTo((20 / 21) * (1 / 4), 12);
    expect(score.precisionAt20).toBe(1 / 4);
    expect(score.normalizedPrecisionAt20).toBe(1 / 4);
    expect(score.miou).toBeCloseTo(1 / 4, 12);
  });

  it('scores a one-pixel shift as IoU 9/11 and a one-pixel centre error', () => {
    // 2 frames: frame 1 exact; frame 2 IoU 0.818 passes thresholds 0..0.80 (17 of them) and fails 0.85..1.
    const score = scoreSequence(input([G, [2, 1, 10, 10]], [G, G]), convention);
    expect(score.success[16]).toBe(1);
    expect(score.success[17]).toBe(0.5);
    // Centre error 1 px: fails the 0 px threshold, passes 1 px and above.
    expect(score.precision[0]).toBe(0.5);
    expect(score.precision[1]).toBe(1);
    expect(score.miou).toBeCloseTo((1 + 9 / 11) / 2, 12);
  });

  it('places the normalized precision step at the error divided by the target size', () => {
    // dx = 2.55 px over w = 10 -> normalized error 0.255: fails thresholds 0..0.25, passes 0.26..0.50.
    const score = scoreSequence(input([G, [3.55, 1, 10, 10]], [G, G]), convention);
    expect(score.normalizedPrecision[25]).toBe(0.5);
    expect(score.normalizedPrecision[26]).toBe(1);
    expect(score.normalizedPrecisionAt20).toBe(0.5);
  });

  it('counts absent frames as failures of every curve', () => {
    // 4 frames, frames 3 and 4 flagged absent (GT 0,0,0,0): only frames 1 and 2 can succeed -> 2/4.
    const zero: Box = [0, 0, 0, 0];
    const score = scoreSequence(input([G, G, G, G], [G, G, zero, zero], [0, 0, 1, 1]), convention);
    expect(score.success[0]).toBe(0.5);
    expect(score.precisionAt20).toBe(0.5);
    expect(score.normalizedPrecisionAt20).toBe(0.5);
    expect(score.absentFrames).toBe(2);
    expect(score.miou).toBe(1);
  });

  it('copies the previous prediction over a zero-size prediction', () => {
    // Frame 3 predicts a 0 x 0 box; both conventions copy frame 2 (exact), so all 3 frames have IoU 1.
    const score = scoreSequence(input([G, G, [5, 5, 0, 0]], [G, G, G]), convention);
    expect(score.repairedFrames).toBe(1);
    expect(score.success[0]).toBe(1);
  });

  it('truncates a prediction longer than the ground truth', () => {
    const score = scoreSequence(input([G, G, G, [1, 1, 1, 1]], [G, G, G]), convention);
    expect(score.frames).toBe(3);
    expect(score.truncatedFrames).toBe(1);
    expect(score.auc).toBeCloseTo(20 / 21, 12);
  });

  it('rejects a prediction shorter than the ground truth', () => {
    expect(() => scoreSequence(input([G, G], [G, G, G]), convention)).toThrow(/2 boxes for 3 ground-truth frames/);
  });
});

describe('where the lasot and pytracking conventions differ', () => {
  it('lasot copies the previous box over a NaN prediction; pytracking rejects it', () => {
    const nan: Box = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
    // lasot: frame 3 takes frame 2's exact box, so every frame succeeds at threshold 0.
    const lasot = scoreSequence(input([G, G, nan], [G, G, G]), 'lasot');
    expect(lasot.success[0]).toBe(1);
    expect(lasot.repairedFrames).toBe(1);
    expect(() => scoreSequence(input([G, G, nan], [G, G, G]), 'pytracking')).toThrow(/NaN or has a negative size/);
  });

  it('lasot copies the previous box over a negative-size prediction; pytracking rejects it', () => {
    const lasot = scoreSequence(input([G, G, [1, 1, -5, 10]], [G, G, G]), 'lasot');
    expect(lasot.success[0]).toBe(1);
    expect(() => scoreSequence(input([G, G, [1, 1, -5, 10]], [G, G, G]), 'pytracking')).toThrow(/negative size/);
  });

  it('an invalid ground-truth frame without absent flags is a precision success for lasot only', () => {
    // 4 frames, frames 3 and 4 have GT 0,0,0,0 and no absent file.
    // lasot: IoU -1 (fail) but centre error -1 (success): success 2/4, precision 4/4, normalized 4/4.
    // pytracking: IoU -1 and centre error +inf (fail): success 2/4, precision 2/4; its normalized error is -1: 4/4.
    const zero: Box = [0, 0, 0, 0];
    const lasot = scoreSequence(input([G, G, G, G], [G, G, zero, zero]), 'lasot');
    expect([lasot.success[0], lasot.precisionAt20, lasot.normalizedPrecisionAt20]).toEqual([0.5, 1, 1]);
    expect(lasot.invalidGroundTruthFrames).toBe(2);
    const py = scoreSequence(input([G, G, G, G], [G, G, zero, zero]), 'pytracking');
    expect([py.success[0], py.precisionAt20, py.normalizedPrecisionAt20]).toEqual([0.5, 0.5, 1]);
  });

  it('lasot needs all four ground-truth values > 0; pytracking only the width and height', () => {
    // GT x = 0 on frame 2 (a box touching the left edge). lasot: invalid -> IoU fails, centre succeeds.
    // pytracking: valid -> exact prediction succeeds everywhere.
    const edge: Box = [0, 1, 10, 10];
    const lasot = scoreSequence(input([G, edge], [G, edge]), 'lasot');
    expect(lasot.success[0]).toBe(0.5);
    expect(lasot.precisionAt20).toBe(1);
    const py = scoreSequence(input([G, edge], [G, edge]), 'pytracking');
    expect(py.success[0]).toBe(1);
  });

  it('lasot treats a NaN ground-truth frame as invalid; pytracking rejects it', () => {
    const nan: Box = [Number.NaN, 1, 10, 10];
    const lasot = scoreSequence(input([G, G], [G, nan]), 'lasot');
    expect(lasot.success[0]).toBe(0.5);
    expect(() => scoreSequence(input([G, G], [G, nan]), 'pytracking')).toThrow(/ground-truth frame 2 is NaN/);
  });

  it('lasot drops sequences whose curve is all zero from the average; pytracking averages all', () => {
    // Sequence A is exact (AUC 20/21). Sequence B has every frame absent, so every curve is all zero.
    const a = scoreSequence(input([G, G], [G, G]), 'lasot');
    const bInput = { ...input([G, G], [G, G], [1, 1]), name: 'seq-2' };
    const lasot = aggregateScores([a, scoreSequence(bInput, 'lasot')], 'lasot');
    expect(lasot.auc).toBeCloseTo(20 / 21, 12);
    expect(lasot.dropped.success).toEqual(['seq-2']);
    const py = aggregateScores(
      [scoreSequence(input([G, G], [G, G]), 'pytracking'), scoreSequence(bInput, 'pytracking')],
      'pytracking',
    );
    // Mean of 20/21 and 0.
    expect(py.auc).toBeCloseTo(10 / 21, 12);
    expect(py.precisionAt20).toBe(0.5);
  });
});
