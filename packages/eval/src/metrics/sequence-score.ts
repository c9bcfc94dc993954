import { ToolkitError } from '@tamkit/common';
import { type BoxSeries, frameCount } from '../lasot/boxes.js';
import type { Convention } from './convention.js';
import { centreError, inclusiveIou, normalizedCentreError } from './iou.js';
import {
  NORMALIZED_PRECISION_REPORT_INDEX,
  NORMALIZED_PRECISION_THRESHOLDS,
  OVERLAP_THRESHOLDS,
  PRECISION_REPORT_INDEX,
  PRECISION_THRESHOLDS,
} from './thresholds.js';

/** What one sequence is scored on. */
export interface SequenceScoreInput {
  /** Sequence name, for error messages and reports. */
  name: string;
  /** The tracker's boxes, one per frame (frame 1 is ignored: both conventions replace it by the ground truth). */
  predicted: BoxSeries;
  groundTruth: BoxSeries;
  /** Per-frame "target absent" flags (full occlusion or out of view); absent frames count as failures. */
  absent?: Uint8Array | undefined;
}

/** The curves and summary values of one sequence; curve values are fractions of all ground-truth frames. */
export interface SequenceScore {
  name: string;
  frames: number;
  /** Success rate at each of `OVERLAP_THRESHOLDS`. */
  success: Float64Array;
  /** Precision at each of `PRECISION_THRESHOLDS`. */
  precision: Float64Array;
  /** Normalized precision at each of `NORMALIZED_PRECISION_THRESHOLDS`. */
  normalizedPrecision: Float64Array;
  /** Mean of the success curve (area under it). */
  auc: number;
  /** Precision at 20 px. */
  precisionAt20: number;
  /** Normalized precision at 0.20. */
  normalizedPrecisionAt20: number;
  /** Mean IoU over frames whose ground truth is valid and present; NaN when there is none. */
  miou: number;
  /** Frames flagged absent. */
  absentFrames: number;
  /** Present frames whose ground truth is invalid under the convention. */
  invalidGroundTruthFrames: number;
  /** Predictions replaced by the previous one (NaN or empty boxes). */
  repairedFrames: number;
  /** Extra predictions past the end of the ground truth that were dropped. */
  truncatedFrames: number;
}

function fail(code: string, input: SequenceScoreInput, message: string, remedy: string): never {
  throw new ToolkitError(code, `${input.name}: ${message}`, { remedy });
}

/** Copies the first `frames` predictions; a shorter prediction is an error in both conventions. */
function alignLength(input: SequenceScoreInput, frames: number): BoxSeries {
  const predictedFrames = frameCount(input.predicted);
  if (predictedFrames < frames) {
    fail(
      'RESULT_TOO_SHORT',
      input,
      `the result has ${predictedFrames} boxes for ${frames} ground-truth frames.`,
      'Write one box per frame (the first frame too); rerun the tracker on this sequence if it stopped early.',
    );
  }
  return input.predicted.slice(0, frames * 4);
}

function hasNaN(series: BoxSeries, frame: number): boolean {
  const o = frame * 4;
  return (
    Number.isNaN(series[o]!) ||
    Number.isNaN(series[o + 1]!) ||
    Number.isNaN(series[o + 2]!) ||
    Number.isNaN(series[o + 3]!)
  );
}

function copyPrevious(series: BoxSeries, frame: number): void {
  series.copyWithin(frame * 4, (frame - 1) * 4, frame * 4);
}

/** Official-toolkit repair: a NaN or non-positive-size prediction takes the previous (repaired) one. */
function repairLasot(pred: BoxSeries, gt: BoxSeries): number {
  let repaired = 0;
  for (let i = 1; i < frameCount(pred); i++) {
    const o = i * 4;
    const bad = hasNaN(pred, i) || !(pred[o + 2]! > 0) || !(pred[o + 3]! > 0);
    if (bad && !hasNaN(gt, i)) {
      copyPrevious(pred, i);
      repaired++;
    }
  }
  return repaired;
}

/** pytracking repair: NaN or negative sizes are rejected; a zero width or height takes the previous box. */
function repairPytracking(input: SequenceScoreInput, pred: BoxSeries, gt: BoxSeries): number {
  const all = input.predicted;
  for (let i = 0; i < frameCount(all); i++) {
    if (hasNaN(all, i) || all[i * 4 + 2]! < 0 || all[i * 4 + 3]! < 0) {
      fail(
        'RESULT_INVALID',
        input,
        `frame ${i + 1} of the result is NaN or has a negative size, which the pytracking convention rejects.`,
        'Fix the tracker output, or score with --convention lasot (which replaces such boxes by the previous one).',
      );
    }
  }
  for (let i = 0; i < frameCount(gt); i++) {
    if (hasNaN(gt, i)) {
      fail(
        'GROUND_TRUTH_NAN',
        input,
        `ground-truth frame ${i + 1} is NaN.`,
        'Use --convention lasot for NaN ground truth.',
      );
    }
  }
  let repaired = 0;
  for (let i = 1; i < frameCount(pred); i++) {
    if (pred[i * 4 + 2] === 0 || pred[i * 4 + 3] === 0) {
      copyPrevious(pred, i);
      repaired++;
    }
  }
  return repaired;
}

/** Per-frame outcome; an IoU of -1 or an error of +Infinity fails every threshold, an error of -1 passes every one. */
interface FrameOutcome {
  iou: number;
  centre: number;
  normalized: number;
  /** Whether the frame's IoU enters the mean IoU. */
  valid: boolean;
}

const ALWAYS_FAILS = Number.POSITIVE_INFINITY;
const ALWAYS_SUCCEEDS = -1;

function frameOutcomeLasot(p: BoxSeries, g: BoxSeries, o: number): FrameOutcome {
  const valid = g[o]! > 0 && g[o + 1]! > 0 && g[o + 2]! > 0 && g[o + 3]! > 0;
  if (!valid) return { iou: -1, centre: ALWAYS_SUCCEEDS, normalized: ALWAYS_SUCCEEDS, valid: false };
  const args = [p[o]!, p[o + 1]!, p[o + 2]!, p[o + 3]!, g[o]!, g[o + 1]!, g[o + 2]!, g[o + 3]!] as const;
  return {
    iou: inclusiveIou(...args),
    centre: centreError(...args),
    normalized: normalizedCentreError(...args),
    valid,
  };
}

function frameOutcomePytracking(p: BoxSeries, g: BoxSeries, o: number, visible: boolean): FrameOutcome {
  if (!visible) return { iou: -1, centre: ALWAYS_FAILS, normalized: ALWAYS_FAILS, valid: false };
  if (!(g[o + 2]! > 0 && g[o + 3]! > 0)) {
    return { iou: -1, centre: ALWAYS_FAILS, normalized: ALWAYS_SUCCEEDS, valid: false };
  }
  const args = [p[o]!, p[o + 1]!, p[o + 2]!, p[o + 3]!, g[o]!, g[o + 1]!, g[o + 2]!, g[o + 3]!] as const;
  return {
    iou: inclusiveIou(...args),
    centre: centreError(...args),
    normalized: normalizedCentreError(...args),
    valid: true,
  };
}

/** Adds one frame to the success counts: IoU > threshold. Thresholds ascend, so stop at the first miss. */
function countOverlap(counts: Float64Array, iou: number): void {
  for (let k = 0; k < counts.length && iou > OVERLAP_THRESHOLDS[k]!; k++) counts[k]!++;
}

/** Adds one frame to precision counts: error <= threshold. Walk down from the largest threshold. */
function countError(counts: Float64Array, thresholds: Float64Array, error: number): void {
  for (let k = counts.length - 1; k >= 0 && error <= thresholds[k]!; k--) counts[k]!++;
}

/**
 * Scores one sequence under a convention (see `Convention` for the rules). Frame 1 is replaced by the ground
 * truth and every ground-truth frame is in the denominator, absent ones included.
 */
export function scoreSequence(input: SequenceScoreInput, convention: Convention): SequenceScore {
  const gt = input.groundTruth;
  const frames = frameCount(gt);
  if (frames === 0) fail('GROUND_TRUTH_EMPTY', input, 'the ground truth has no frame.', 'Check groundtruth.txt.');
  if (input.absent && input.absent.length !== frames) {
    throw new RangeError(`absent: ${input.absent.length} flags for ${frames} frames of ${input.name}`);
  }
  const truncatedFrames = frameCount(input.predicted) - frames;
  const pred = alignLength(input, frames);
  const repairedFrames = convention === 'lasot' ? repairLasot(pred, gt) : repairPytracking(input, pred, gt);
  pred.set(gt.subarray(0, 4), 0);

  const success = new Float64Array(OVERLAP_THRESHOLDS.length);
  const precision = new Float64Array(PRECISION_THRESHOLDS.length);
  const normalized = new Float64Array(NORMALIZED_PRECISION_THRESHOLDS.length);
  let absentFrames = 0;
  let invalid = 0;
  let iouSum = 0;
  let validFrames = 0;
  for (let i = 0; i < frames; i++) {
    const absent = input.absent?.[i] === 1;
    if (absent) absentFrames++;
    // The toolkit removes absent frames before scoring; they stay in the denominator, so they are failures.
    if (absent && convention === 'lasot') continue;
    const outcome =
      convention === 'lasot' ? frameOutcomeLasot(pred, gt, i * 4) : frameOutcomePytracking(pred, gt, i * 4, !absent);
    if (!outcome.valid && !absent) invalid++;
    if (outcome.valid) {
      if (Number.isNaN(outcome.iou) && convention === 'pytracking') {
        fail('IOU_NAN', input, `the IoU of frame ${i + 1} is NaN.`, 'Check the boxes of that frame.');
      }
      // A NaN IoU (the toolkit can copy a NaN first prediction forward) is a frame with no overlap.
      iouSum += Number.isNaN(outcome.iou) ? 0 : outcome.iou;
      validFrames++;
    }
    countOverlap(success, outcome.iou);
    countError(precision, PRECISION_THRESHOLDS, outcome.centre);
    countError(normalized, NORMALIZED_PRECISION_THRESHOLDS, outcome.normalized);
  }
  for (const curve of [success, precision, normalized]) {
    for (let k = 0; k < curve.length; k++) curve[k]! /= frames;
  }
  return {
    name: input.name,
    frames,
    success,
    precision,
    normalizedPrecision: normalized,
    auc: mean(success),
    precisionAt20: precision[PRECISION_REPORT_INDEX]!,
    normalizedPrecisionAt20: normalized[NORMALIZED_PRECISION_REPORT_INDEX]!,
    miou: validFrames === 0 ? Number.NaN : iouSum / validFrames,
    absentFrames,
    invalidGroundTruthFrames: invalid,
    repairedFrames,
    truncatedFrames,
  };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
