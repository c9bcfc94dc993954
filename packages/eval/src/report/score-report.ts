import { readFile } from 'node:fs/promises';
import { ToolkitError } from '@tamkit/common';
import type { AggregateScore, AttributeScore } from '../metrics/aggregate.js';
import type { Convention } from '../metrics/convention.js';
import type { SequenceScore } from '../metrics/sequence-score.js';
import { NORMALIZED_PRECISION_THRESHOLDS, OVERLAP_THRESHOLDS, PRECISION_THRESHOLDS } from '../metrics/thresholds.js';

export const SCORE_REPORT_KIND = 'tamkit-lasot-score' as const;
export const SCORE_REPORT_SCHEMA_VERSION = 1 as const;

/** One sequence's line in a score report. Fractions in [0, 1]; `null` where undefined (e.g. no valid frame). */
export interface SequenceDetail {
  name: string;
  frames: number;
  auc: number;
  precision: number;
  normalizedPrecision: number;
  miou: number | null;
  absentFrames: number;
  invalidGroundTruthFrames: number;
  repairedFrames: number;
  truncatedFrames: number;
}

/** A summary restricted to one attribute. */
export interface AttributeDetail {
  attribute: string;
  sequences: number;
  auc: number;
  precision: number;
  normalizedPrecision: number;
  miou: number | null;
}

/**
 * What `track-eval score --json` prints and `track-eval report` reads: versioned and self-describing, so runs
 * scored at different times can be compared. All scores are fractions in [0, 1].
 */
export interface LasotScoreReport {
  kind: typeof SCORE_REPORT_KIND;
  schemaVersion: typeof SCORE_REPORT_SCHEMA_VERSION;
  /** Tracker or stack name shown in tables and plot legends. */
  label: string;
  convention: Convention;
  /** Success AUC. */
  auc: number;
  /** Precision at 20 px. */
  precision: number;
  /** Normalized precision at 0.20. */
  normalizedPrecision: number;
  /** Mean over sequences of the per-sequence mean IoU. */
  miou: number | null;
  /** Number of sequences scored. */
  sequences: number;
  /** Sequences of the split without a result file (only when missing results are skipped). */
  missing: string[];
  /** Sequences left out of each curve's average (see `AggregateScore.dropped`). */
  dropped: AggregateScore['dropped'];
  curves: {
    overlapThresholds: number[];
    success: number[];
    precisionThresholds: number[];
    precision: number[];
    normalizedPrecisionThresholds: number[];
    normalizedPrecision: number[];
  };
  perSequence: SequenceDetail[];
  attributes: AttributeDetail[];
  source: { groundTruth?: string; results?: string; split?: string };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Inputs of `buildScoreReport`. */
export interface BuildScoreReportInput {
  label: string;
  convention: Convention;
  scores: readonly SequenceScore[];
  aggregate: AggregateScore;
  attributes?: readonly AttributeScore[];
  missing?: readonly string[];
  source?: LasotScoreReport['source'];
}

/** Assembles the JSON-serialisable report from per-sequence and aggregate scores. */
export function buildScoreReport(input: BuildScoreReportInput): LasotScoreReport {
  const { aggregate } = input;
  return {
    kind: SCORE_REPORT_KIND,
    schemaVersion: SCORE_REPORT_SCHEMA_VERSION,
    label: input.label,
    convention: input.convention,
    auc: aggregate.auc,
    precision: aggregate.precisionAt20,
    normalizedPrecision: aggregate.normalizedPrecisionAt20,
    miou: finiteOrNull(aggregate.miou),
    sequences: aggregate.sequences,
    missing: [...(input.missing ?? [])],
    dropped: aggregate.dropped,
    curves: {
      overlapThresholds: Array.from(OVERLAP_THRESHOLDS),
      success: aggregate.success,
      precisionThresholds: Array.from(PRECISION_THRESHOLDS),
      precision: aggregate.precision,
      normalizedPrecisionThresholds: Array.from(NORMALIZED_PRECISION_THRESHOLDS),
      normalizedPrecision: aggregate.normalizedPrecision,
    },
    perSequence: input.scores.map((s) => ({
      name: s.name,
      frames: s.frames,
      auc: s.auc,
      precision: s.precisionAt20,
      normalizedPrecision: s.normalizedPrecisionAt20,
      miou: finiteOrNull(s.miou),
      absentFrames: s.absentFrames,
      invalidGroundTruthFrames: s.invalidGroundTruthFrames,
      repairedFrames: s.repairedFrames,
      truncatedFrames: s.truncatedFrames,
    })),
    attributes: (input.attributes ?? []).map((a) => ({
      attribute: a.attribute,
      sequences: a.sequences,
      auc: a.auc,
      precision: a.precisionAt20,
      normalizedPrecision: a.normalizedPrecisionAt20,
      miou: finiteOrNull(a.miou),
    })),
    source: input.source ?? {},
  };
}

/** Reads a score report written by `track-eval score --json` (or `--out`), refusing unknown versions. */
export async function readScoreReport(path: string): Promise<LasotScoreReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ToolkitError('SCORE_REPORT_UNREADABLE', `Cannot read the score report ${path}.`, {
      remedy: 'Pass a JSON file written by `track-eval score --out FILE`.',
      cause: error,
    });
  }
  const report = parsed as Partial<LasotScoreReport>;
  if (report.kind !== SCORE_REPORT_KIND || report.schemaVersion !== SCORE_REPORT_SCHEMA_VERSION) {
    throw new ToolkitError(
      'SCORE_REPORT_VERSION',
      `${path} is not a version ${SCORE_REPORT_SCHEMA_VERSION} ${SCORE_REPORT_KIND} report (kind ${String(report.kind)}, version ${String(report.schemaVersion)}).`,
      { remedy: 'Rescore the results with this version of track-eval.' },
    );
  }
  return report as LasotScoreReport;
}
