import { ToolkitError } from '@tamkit/common';
import { diffEnvironments, type EnvironmentDifference } from './environment-diff.js';
import { pipelineLabel } from './labels.js';
import type { BenchReport, LatencyStats, PipelineResult } from './schema.js';

/** Default relative threshold: a change under 5% of the baseline median never counts. */
export const DEFAULT_THRESHOLD = 0.05;
/**
 * Default noise multiplier k. A change counts only when |current p50 - baseline p50| exceeds
 * max(threshold * baseline p50, k * pooled std), with pooled std = sqrt((std_baseline^2 + std_current^2) / 2),
 * the per-sample standard deviation of both runs. With k = 1 the median must move by more than one typical
 * sample-to-sample swing: a noisy run (cv 15%) needs a 15% shift, a quiet one (cv 2%) is judged by the threshold.
 */
export const DEFAULT_NOISE_K = 1;

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'missing' | 'added';

/** One (stack, module) pair or one pipeline, as compared. Times are p50 milliseconds. */
export interface ComparisonRow {
  kind: 'module' | 'pipeline';
  /** "stack / module" for modules, the pipeline label for pipelines (current naming when stacks are paired). */
  key: string;
  stack: string;
  module: string;
  baseline?: LatencyStats;
  current?: LatencyStats;
  /** current p50 - baseline p50 (positive: slower). */
  deltaMs?: number;
  /** deltaMs / baseline p50. */
  deltaRatio?: number;
  /** The change that had to be exceeded: max(threshold part, noise part). */
  limitMs?: number;
  /** Which term set the limit. */
  limitBy?: 'threshold' | 'noise';
  verdict: Verdict;
  notes: string[];
}

export interface ReportComparison {
  baseline: { label?: string; createdAt: string };
  current: { label?: string; createdAt: string };
  threshold: number;
  noiseK: number;
  /** Environment differences found; non-empty only when the comparison was forced. */
  environmentDifferences: EnvironmentDifference[];
  rows: ComparisonRow[];
  counts: Record<Verdict, number>;
  hasRegression: boolean;
}

/** Options of `compareReports`. */
export interface CompareOptions {
  /** Relative change below which nothing counts (0.05 = 5%). Default `DEFAULT_THRESHOLD`. */
  threshold?: number;
  /** Noise multiplier k (see `DEFAULT_NOISE_K`). Default 1. */
  noiseK?: number;
  /** Compare even when the environments differ (the differences are kept in the result). Default false. */
  force?: boolean;
  /** Baseline stack name -> current stack name, to compare across stacks (e.g. trt-fp32 -> trt-fp16). */
  pairStacks?: Record<string, string>;
  /** Baseline pipeline variant -> current variant (e.g. unbaked -> baked). */
  pairVariants?: Record<string, string>;
}

/**
 * Compares two bench reports per (stack, module) and per chained pipeline on the median, marking each change
 * as regression, improvement or unchanged when it is beyond both the threshold and the measured noise (see
 * `DEFAULT_NOISE_K`). Refuses reports from different environments unless `force` is set, listing every
 * difference.
 */
export function compareReports(
  baseline: BenchReport,
  current: BenchReport,
  options: CompareOptions = {},
): ReportComparison {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const noiseK = options.noiseK ?? DEFAULT_NOISE_K;
  if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`threshold must be in [0, 1), got ${threshold}`);
  if (!(noiseK >= 0)) throw new RangeError(`noiseK must be >= 0, got ${noiseK}`);

  const differences = diffEnvironments(baseline.environment, current.environment);
  if (differences.length > 0 && !options.force) {
    const list = differences.map((d) => `  ${d.field}: ${d.baseline} (baseline) vs ${d.current} (current)`).join('\n');
    throw new ToolkitError('ENVIRONMENT_MISMATCH', `The two reports come from different environments:\n${list}`, {
      remedy:
        'Compare against a baseline recorded on the same runner (keep one baseline per runner label), or pass ' +
        '--force to compare anyway; verdicts may then reflect the machine rather than the change.',
    });
  }

  const mapStack = (stack: string) => options.pairStacks?.[stack] ?? stack;
  const mapVariant = (variant: string) => options.pairVariants?.[variant] ?? variant;
  const judge = (b: LatencyStats, c: LatencyStats) => judgeChange(b, c, threshold, noiseK);
  const rows: ComparisonRow[] = [];

  for (const base of baseline.modules) {
    const stack = mapStack(base.stack);
    const cur = current.modules.find((m) => m.stack === stack && m.module === base.module);
    const notes: string[] = [];
    if (stack !== base.stack) notes.push(`baseline stack ${base.stack}`);
    if (cur && base.modelSha256 && cur.modelSha256 && base.modelSha256 !== cur.modelSha256) notes.push('model changed');
    rows.push({
      kind: 'module',
      key: `${stack} / ${base.module}`,
      stack,
      module: base.module,
      baseline: base.latency,
      ...(cur ? { current: cur.latency, ...judge(base.latency, cur.latency) } : { verdict: 'missing' as const }),
      notes,
    });
  }
  for (const cur of current.modules) {
    if (!rows.some((r) => r.kind === 'module' && r.stack === cur.stack && r.module === cur.module)) {
      rows.push({
        kind: 'module',
        key: `${cur.stack} / ${cur.module}`,
        stack: cur.stack,
        module: cur.module,
        current: cur.latency,
        verdict: 'added',
        notes: [],
      });
    }
  }

  const mapped = (p: PipelineResult): PipelineResult => ({
    ...p,
    variant: mapVariant(p.variant),
    stacks: Object.fromEntries(Object.entries(p.stacks).map(([m, s]) => [m, mapStack(s)])),
  });
  const currentLabels = new Map(current.pipelines.map((p) => [pipelineLabel(p), p]));
  const seen = new Set<string>();
  for (const base of baseline.pipelines) {
    const key = pipelineLabel(mapped(base));
    const cur = currentLabels.get(key);
    seen.add(key);
    const notes = key === pipelineLabel(base) ? [] : [`baseline ${pipelineLabel(base)}`];
    const row: ComparisonRow = {
      kind: 'pipeline',
      key,
      stack: '',
      module: 'frame',
      baseline: base.perFrame,
      verdict: 'missing',
      notes,
    };
    rows.push(cur ? { ...row, current: cur.perFrame, ...judge(base.perFrame, cur.perFrame) } : row);
  }
  for (const [key, cur] of currentLabels) {
    if (!seen.has(key))
      rows.push({
        kind: 'pipeline',
        key,
        stack: '',
        module: 'frame',
        current: cur.perFrame,
        verdict: 'added',
        notes: [],
      });
  }

  const counts: Record<Verdict, number> = { regression: 0, improvement: 0, unchanged: 0, missing: 0, added: 0 };
  for (const row of rows) counts[row.verdict] += 1;
  return {
    baseline: { label: baseline.label, createdAt: baseline.createdAt },
    current: { label: current.label, createdAt: current.createdAt },
    threshold,
    noiseK,
    environmentDifferences: differences,
    rows,
    counts,
    hasRegression: counts.regression > 0,
  };
}

/** The verdict for one pair of latency statistics (exported for tests and for callers comparing single results). */
export function judgeChange(
  baseline: LatencyStats,
  current: LatencyStats,
  threshold: number,
  noiseK: number,
): Pick<ComparisonRow, 'deltaMs' | 'deltaRatio' | 'limitMs' | 'limitBy' | 'verdict'> {
  const deltaMs = current.p50Ms - baseline.p50Ms;
  const thresholdMs = threshold * baseline.p50Ms;
  const noiseMs = noiseK * Math.sqrt((baseline.stdMs ** 2 + current.stdMs ** 2) / 2);
  const limitMs = Math.max(thresholdMs, noiseMs);
  const verdict: Verdict = deltaMs > limitMs ? 'regression' : deltaMs < -limitMs ? 'improvement' : 'unchanged';
  return {
    deltaMs,
    deltaRatio: baseline.p50Ms > 0 ? deltaMs / baseline.p50Ms : Number.NaN,
    limitMs,
    limitBy: noiseMs > thresholdMs ? 'noise' : 'threshold',
    verdict,
  };
}
