import type { AttributeMatrix } from '../lasot/attributes.js';
import type { Convention } from './convention.js';
import type { SequenceScore } from './sequence-score.js';
import { NORMALIZED_PRECISION_REPORT_INDEX, PRECISION_REPORT_INDEX } from './thresholds.js';

/** Scores averaged over sequences. */
export interface AggregateScore {
  /** Mean success curve. */
  success: number[];
  /** Mean precision curve. */
  precision: number[];
  /** Mean normalized precision curve. */
  normalizedPrecision: number[];
  /** Area under the mean success curve (mean of its 21 points). */
  auc: number;
  /** Mean precision at 20 px. */
  precisionAt20: number;
  /** Mean normalized precision at 0.20. */
  normalizedPrecisionAt20: number;
  /** Mean over sequences of the per-sequence mean IoU (sequences without a valid frame left out); NaN if none. */
  miou: number;
  /** Sequences given. */
  sequences: number;
  /**
   * Sequences left out of each curve's average (`lasot` convention: those whose curve is all zero, as the
   * toolkit's plotting code does; always empty under `pytracking`).
   */
  dropped: { success: string[]; precision: string[]; normalizedPrecision: string[] };
}

// MATLAB's eps: the toolkit keeps a sequence when the sum of its curve exceeds it.
const MATLAB_EPS = 2.220446049250313e-16;

function meanCurve(
  scores: readonly SequenceScore[],
  pick: (s: SequenceScore) => Float64Array,
  dropAllZero: boolean,
): { curve: number[]; dropped: string[] } {
  const kept: Float64Array[] = [];
  const dropped: string[] = [];
  for (const score of scores) {
    const curve = pick(score);
    const sum = curve.reduce((a, b) => a + b, 0);
    if (dropAllZero && !(sum > MATLAB_EPS)) dropped.push(score.name);
    else kept.push(curve);
  }
  const length = scores[0] ? pick(scores[0]).length : 0;
  const mean = new Array<number>(length).fill(kept.length === 0 ? Number.NaN : 0);
  for (const curve of kept) for (let k = 0; k < length; k++) mean[k]! += curve[k]! / kept.length;
  return { curve: mean, dropped };
}

/** Averages per-sequence scores into dataset scores, following the convention's sequence-dropping rule. */
export function aggregateScores(scores: readonly SequenceScore[], convention: Convention): AggregateScore {
  const drop = convention === 'lasot';
  const success = meanCurve(scores, (s) => s.success, drop);
  const precision = meanCurve(scores, (s) => s.precision, drop);
  const normalized = meanCurve(scores, (s) => s.normalizedPrecision, drop);
  const mious = scores.map((s) => s.miou).filter((m) => !Number.isNaN(m));
  return {
    success: success.curve,
    precision: precision.curve,
    normalizedPrecision: normalized.curve,
    auc: success.curve.reduce((a, b) => a + b, 0) / success.curve.length,
    precisionAt20: precision.curve[PRECISION_REPORT_INDEX] ?? Number.NaN,
    normalizedPrecisionAt20: normalized.curve[NORMALIZED_PRECISION_REPORT_INDEX] ?? Number.NaN,
    miou: mious.length === 0 ? Number.NaN : mious.reduce((a, b) => a + b, 0) / mious.length,
    sequences: scores.length,
    dropped: { success: success.dropped, precision: precision.dropped, normalizedPrecision: normalized.dropped },
  };
}

/** Dataset scores restricted to the sequences that carry one attribute. */
export interface AttributeScore extends AggregateScore {
  attribute: string;
}

/**
 * Per-attribute breakdown: for each attribute with at least one scored sequence, the aggregate over the
 * sequences that carry it (as the LaSOT attribute plots do).
 */
export function scoreByAttribute(
  scores: readonly SequenceScore[],
  matrix: AttributeMatrix,
  convention: Convention,
): AttributeScore[] {
  const out: AttributeScore[] = [];
  for (const [attribute, members] of matrix) {
    const subset = scores.filter((s) => members.has(s.name));
    if (subset.length > 0) out.push({ attribute, ...aggregateScores(subset, convention) });
  }
  return out;
}
