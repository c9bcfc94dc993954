import { ToolkitError } from '@tamkit/common';
import { diffEnvironments, type EnvironmentDifference } from './environment-diff.js';
import { formatPercent, pipelineLabel } from './labels.js';
import {
  DEFAULT_CONFIDENCE,
  DEFAULT_QUANTILE,
  type IntervalOptions,
  MIN_SAMPLES,
  type RatioInterval,
} from './ratio-interval.js';
import { type BenchReport, type LatencyStats, type ModuleResult, moduleShapes, type PipelineResult } from './schema.js';
import { isControlPair, type JudgedVerdict, judgeRatio, ratioInterval } from './verdict.js';

/** Default minimum effect: a change of the median under 5% never counts, however certain. */
export const DEFAULT_THRESHOLD = 0.05;
/**
 * Default largest drift the controls may show before every verdict is refused: past 25% the machine changed so
 * much between the runs that the controls no longer say how much the other modules were hit.
 */
export const DEFAULT_MAX_DRIFT = 0.25;

/** `control`: identical model and stack on both sides (measures drift); the others as in `judgeRatio`. */
export type Verdict = JudgedVerdict | 'control' | 'missing' | 'added';

/** One (stack, module) pair or one pipeline, as compared. */
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
  /** current median / baseline median with its confidence interval (absent with too few samples). */
  interval?: RatioInterval;
  /** The interval the verdict was read from: `interval` widened by the controls' drift. */
  judged?: { low: number; high: number };
  verdict: Verdict;
  /** Why this verdict, in one sentence. */
  reason?: string;
  notes: string[];
}

/** What the controls measured. */
export interface DriftSummary {
  /** Keys of the control rows. */
  controls: string[];
  /**
   * The drift between the two sides the controls show, as a relative change (0.46: 46%), the largest over the
   * controls: a control whose interval holds 1 (no sign of drift) counts with the change it measured; one whose
   * interval excludes 1 (drift for sure) with the end of its interval farthest from 1, the most the data allow.
   * Absent without controls.
   */
  drift?: number;
  /** The control that moved most. */
  worst?: string;
  /** True when the drift exceeded `maxDrift` and every verdict was refused as too noisy. */
  refused: boolean;
}

/** Overall outcome; `bench compare` maps it to its exit code (3 regression, 5 too noisy, 0 ok). */
export type ComparisonOutcome = 'regression' | 'too-noisy' | 'ok';

/** One side of a comparison: the report's label, its file name (set by `compareReportFiles`), its date. */
export interface ComparedSide {
  label?: string;
  /** The report's file name without `.json`, when it was read from a file. */
  name?: string;
  createdAt: string;
}

export interface ReportComparison {
  baseline: ComparedSide;
  current: ComparedSide;
  /** Minimum effect: the relative change below which nothing counts. */
  threshold: number;
  confidence: number;
  /** The quantile of the samples the verdicts compared. */
  quantile: number;
  maxDrift: number;
  /** Whether the two reports are the two sides of one interleaved run (paired rounds). */
  interleaved: boolean;
  drift: DriftSummary;
  /** Environment differences found; non-empty only when the comparison was forced. */
  environmentDifferences: EnvironmentDifference[];
  rows: ComparisonRow[];
  counts: Record<Verdict, number>;
  hasRegression: boolean;
  outcome: ComparisonOutcome;
  /** Caveats about the comparison as a whole. */
  notes: string[];
}

/** Options of `compareReports`. */
export interface CompareOptions {
  /** Minimum effect: relative change of the median below which nothing counts (0.05 = 5%). Default 0.05. */
  threshold?: number;
  /**
   * Confidence of the comparison as a whole: with k pairs judged, each pair's interval has confidence
   * 1 - (1 - confidence) / k (Bonferroni). Default `DEFAULT_CONFIDENCE` (0.99): a false alarm in one CI run of 100.
   */
  confidence?: number;
  /** The quantile of the samples compared. Default `DEFAULT_QUANTILE` (0.25, see there why); 0.5: medians. */
  quantile?: number;
  /** Bootstrap resamples per pair. Default 2000. */
  resamples?: number;
  /**
   * `auto` (default): modules with identical model bytes, stack and options on both sides are controls when the
   * environments match; their drift widens every other interval. `none`: no controls (e.g. when what changed is
   * the software around identical models: every module is then judged).
   */
  controls?: 'auto' | 'none';
  /** Largest drift of the controls before every verdict is refused as too noisy. Default 0.25. */
  maxDrift?: number;
  /** Compare even when the environments differ (the differences are kept in the result). Default false. */
  force?: boolean;
  /** Baseline stack name -> current stack name, to compare across stacks (e.g. trt-fp32 -> trt-fp16). */
  pairStacks?: Record<string, string>;
  /** Baseline pipeline variant -> current variant (e.g. unbaked -> baked). */
  pairVariants?: Record<string, string>;
  /**
   * Baseline shape variant -> current shape variant (`bench run --shapes`, e.g. original -> static). Without it,
   * results pair with the same variant, or, where each side ran one variant of a module, with that one.
   */
  pairShapes?: Record<string, string>;
  /**
   * Compare the shape variants within one report (pass it as both sides): every non-original variant of a module
   * on a stack against its original, pipelines likewise. Rounds pair up where the variants ran interleaved.
   */
  withinShapes?: boolean;
}

interface PendingRow {
  row: ComparisonRow;
  control: boolean;
}

function emptyCounts(): Record<Verdict, number> {
  return { regression: 0, improvement: 0, unchanged: 0, 'too-noisy': 0, control: 0, missing: 0, added: 0 };
}

function checkOptions(
  options: CompareOptions,
): Required<Pick<CompareOptions, 'threshold' | 'confidence' | 'maxDrift' | 'quantile'>> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const quantile = options.quantile ?? DEFAULT_QUANTILE;
  if (!(quantile > 0 && quantile < 1)) throw new RangeError(`quantile must be in (0, 1), got ${quantile}`);
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const maxDrift = options.maxDrift ?? DEFAULT_MAX_DRIFT;
  if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`threshold must be in [0, 1), got ${threshold}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(maxDrift >= 0)) throw new RangeError(`maxDrift must be >= 0, got ${maxDrift}`);
  return { threshold, confidence, maxDrift, quantile };
}

/**
 * Compares two bench reports per (stack, module) and per chained pipeline. Each pair gets the ratio of its
 * medians with a bootstrap confidence interval (paired by round when the reports come from one interleaved run);
 * modules whose model bytes, stack and options are identical on both sides are controls, and the largest drift
 * they show widens every other interval (or, past `maxDrift`, refuses every verdict). A pair is a regression or
 * improvement only when its widened interval excludes 1 and it moved by at least the minimum effect, unchanged
 * when the interval rules out any change that large, and too noisy otherwise. Refuses reports from different
 * environments unless `force` is set, listing every difference.
 */
export function compareReports(
  baseline: BenchReport,
  current: BenchReport,
  options: CompareOptions = {},
): ReportComparison {
  const { threshold, confidence, maxDrift, quantile } = checkOptions(options);
  const differences = diffEnvironments(baseline.environment, current.environment);
  if (differences.length > 0 && !options.force) {
    const list = differences.map((d) => `  ${d.field}: ${d.baseline} (baseline) vs ${d.current} (current)`).join('\n');
    throw new ToolkitError('ENVIRONMENT_MISMATCH', `The two reports come from different environments:\n${list}`, {
      remedy:
        'Compare against a baseline recorded on the same runner (keep one baseline per runner label), or pass ' +
        '--force to compare anyway; verdicts may then reflect the machine rather than the change.',
    });
  }
  // Shape variants of one report ran interleaved by round (bench run --shapes): their rounds pair up too.
  const interleaved =
    (options.withinShapes === true && baseline === current) ||
    (baseline.interleaved !== undefined &&
      baseline.interleaved.id === current.interleaved?.id &&
      baseline.interleaved.side !== current.interleaved.side);
  // Controls need everything but the model to be equal; a forced comparison across environments has none.
  const useControls = (options.controls ?? 'auto') === 'auto' && differences.length === 0;
  const measure = (row: ComparisonRow, b: LatencyStats, c: LatencyStats): ComparisonRow => ({
    ...row,
    current: c,
    deltaMs: c.p50Ms - b.p50Ms,
    deltaRatio: b.p50Ms > 0 ? c.p50Ms / b.p50Ms - 1 : Number.NaN,
  });

  const pending: PendingRow[] = [];
  for (const { base, cur, stack } of pairModules(baseline, current, options)) {
    if (!base) {
      const row: ComparisonRow = {
        kind: 'module',
        key: moduleKey(cur!.stack, cur!.module, moduleShapes(cur!), moduleShapes(cur!)),
        stack: cur!.stack,
        module: cur!.module,
        current: cur!.latency,
        verdict: 'added',
        notes: [],
      };
      pending.push({ row, control: false });
      continue;
    }
    const notes: string[] = [];
    if (stack !== base.stack) notes.push(`baseline stack ${base.stack}`);
    if (cur && base.modelSha256 && cur.modelSha256 && base.modelSha256 !== cur.modelSha256) notes.push('model changed');
    const shapes = cur && shapeChange(moduleShapes(base), moduleShapes(cur));
    if (shapes) notes.push(shapes);
    const row: ComparisonRow = {
      kind: 'module',
      key: moduleKey(stack, base.module, moduleShapes(base), cur ? moduleShapes(cur) : moduleShapes(base)),
      stack,
      module: base.module,
      baseline: base.latency,
      verdict: 'missing',
      notes,
    };
    pending.push(
      cur
        ? { row: measure(row, base.latency, cur.latency), control: useControls && isControlPair(base, cur) }
        : { row, control: false },
    );
  }
  const pipelinePairs = options.withinShapes ? pairPipelineShapes(baseline) : pairPipelines(baseline, current, options);
  for (const [key, base, cur, notes] of pipelinePairs) {
    const row: ComparisonRow = {
      kind: 'pipeline',
      key,
      stack: '',
      module: 'frame',
      verdict: base ? 'missing' : 'added',
      notes,
      ...(base ? { baseline: base.perFrame } : {}),
      ...(cur && !base ? { current: cur.perFrame } : {}),
    };
    pending.push({ row: base && cur ? measure(row, base.perFrame, cur.perFrame) : row, control: false });
  }

  // `confidence` holds for the comparison as a whole: each of the k judged pairs gets 1 - (1 - confidence) / k
  // (Bonferroni), or eight pairs at 95% each would call a regression in one A/A comparison out of three.
  const judged = pending.filter((p) => !p.control && p.row.baseline && p.row.current).length;
  const intervalOptions: IntervalOptions = {
    confidence: 1 - (1 - confidence) / Math.max(1, judged),
    quantile,
    ...(options.resamples ? { resamples: options.resamples } : {}),
  };
  for (const p of pending) {
    const { baseline: b, current: c } = p.row;
    const interval =
      b && c && p.row.verdict !== 'added' ? ratioInterval(b, c, interleaved, intervalOptions) : undefined;
    if (interval) p.row = { ...p.row, interval };
  }
  const drift = summariseDrift(pending, maxDrift);
  const driftLog = drift.drift === undefined ? 0 : Math.log1p(drift.drift);
  const rows = pending.map(({ row, control }) => judgeRow(row, control, threshold, driftLog, drift, maxDrift));
  const counts = emptyCounts();
  for (const row of rows) counts[row.verdict] += 1;
  const outcome: ComparisonOutcome =
    counts.regression > 0 ? 'regression' : counts['too-noisy'] > 0 ? 'too-noisy' : 'ok';
  return {
    baseline: { ...(baseline.label ? { label: baseline.label } : {}), createdAt: baseline.createdAt },
    current: { ...(current.label ? { label: current.label } : {}), createdAt: current.createdAt },
    threshold,
    confidence,
    quantile,
    maxDrift,
    interleaved,
    drift,
    environmentDifferences: differences,
    rows,
    counts,
    hasRegression: counts.regression > 0,
    outcome,
    notes: options.withinShapes
      ? [
          'Shape variants of one report, each against the original of its stack and module (pipeline) in the same run' +
            (interleaved ? '; modules measured interleaved are paired by round.' : '.'),
          ...comparisonNotes(rows, drift, false, useControls).filter((n) => !n.startsWith('No control')),
        ]
      : comparisonNotes(rows, drift, interleaved, useControls),
  };
}

/** `shapes original -> static` when the two sides ran different shape variants (absent means original). */
function shapeChange(baseline: unknown, current: unknown): string | undefined {
  const b = typeof baseline === 'string' ? baseline : 'original';
  const c = typeof current === 'string' ? current : 'original';
  return b === c ? undefined : `shapes ${b} -> ${c}`;
}

/** "ort-cuda / memory_attention", with "[static]" for a variant, "[original -> static]" across variants. */
function moduleKey(stack: string, module: string, baseShapes: string, curShapes: string): string {
  const suffix =
    baseShapes === curShapes ? (curShapes === 'original' ? '' : ` [${curShapes}]`) : ` [${baseShapes} -> ${curShapes}]`;
  return `${stack} / ${module}${suffix}`;
}

interface ModulePair {
  base?: ModuleResult;
  cur?: ModuleResult;
  /** The current side's stack name (the baseline's, mapped by `pairStacks`). */
  stack: string;
}

/**
 * The module results to compare: each baseline result with the current one of its stack (mapped by `pairStacks`),
 * module and shape variant (mapped by `pairShapes`); without `pairShapes`, a module that ran one variant on each
 * side pairs across variants (an original run against a static run). Current results left over are `added`
 * (no `base`). With `withinShapes`, every non-original variant against the original of its stack and module.
 */
function pairModules(baseline: BenchReport, current: BenchReport, options: CompareOptions): ModulePair[] {
  const same = (a: ModuleResult, stack: string, module: string) => a.stack === stack && a.module === module;
  if (options.withinShapes) {
    const originals = baseline.modules.filter((m) => moduleShapes(m) === 'original');
    const pairs: ModulePair[] = [];
    for (const cur of baseline.modules) {
      if (moduleShapes(cur) === 'original') continue;
      const base = originals.find((o) => same(o, cur.stack, cur.module));
      pairs.push(base ? { base, cur, stack: cur.stack } : { cur, stack: cur.stack });
    }
    return pairs;
  }
  const used = new Set<ModuleResult>();
  const pairs: ModulePair[] = [];
  for (const base of baseline.modules) {
    const stack = options.pairStacks?.[base.stack] ?? base.stack;
    const wanted = options.pairShapes?.[moduleShapes(base)] ?? moduleShapes(base);
    const candidates = current.modules.filter((m) => same(m, stack, base.module) && !used.has(m));
    let cur = candidates.find((m) => moduleShapes(m) === wanted);
    const single = baseline.modules.filter((m) => same(m, base.stack, base.module)).length === 1;
    if (!cur && options.pairShapes === undefined && single && candidates.length === 1) cur = candidates[0];
    if (cur) used.add(cur);
    pairs.push({ base, ...(cur ? { cur } : {}), stack });
  }
  for (const cur of current.modules) if (!used.has(cur)) pairs.push({ cur, stack: cur.stack });
  return pairs;
}

/** Within one report: each pipeline of a non-original shape variant against the original run of the same label. */
function pairPipelineShapes(
  report: BenchReport,
): [string, PipelineResult | undefined, PipelineResult | undefined, string[]][] {
  // bench pipeline labels the variants of one --models folder "<variant>/<shapes>": compare them without it.
  const label = (p: PipelineResult) =>
    pipelineLabel({ ...p, variant: p.variant.replace(/\/(original|pinned|static)$/, '') });
  const pairs: [string, PipelineResult | undefined, PipelineResult | undefined, string[]][] = [];
  for (const cur of report.pipelines) {
    const shapes = cur.shapes ?? 'original';
    if (shapes === 'original') continue;
    const base = report.pipelines.find((p) => (p.shapes ?? 'original') === 'original' && label(p) === label(cur));
    pairs.push([`${label(cur)} [original -> ${shapes}]`, base, cur, base ? [`shapes original -> ${shapes}`] : []]);
  }
  return pairs;
}

/** [label, baseline, current, notes] per pipeline label found in either report. */
function pairPipelines(
  baseline: BenchReport,
  current: BenchReport,
  options: CompareOptions,
): [string, PipelineResult | undefined, PipelineResult | undefined, string[]][] {
  const mapped = (p: PipelineResult): PipelineResult => ({
    ...p,
    variant: options.pairVariants?.[p.variant] ?? p.variant,
    stacks: Object.fromEntries(Object.entries(p.stacks).map(([m, s]) => [m, options.pairStacks?.[s] ?? s])),
  });
  const currentByLabel = new Map(current.pipelines.map((p) => [pipelineLabel(p), p]));
  const pairs: [string, PipelineResult | undefined, PipelineResult | undefined, string[]][] = [];
  for (const base of baseline.pipelines) {
    const key = pipelineLabel(mapped(base));
    const cur = currentByLabel.get(key);
    const notes = key === pipelineLabel(base) ? [] : [`baseline ${pipelineLabel(base)}`];
    const shapes = cur && shapeChange(base.shapes, cur.shapes);
    if (shapes) notes.push(shapes);
    pairs.push([key, base, cur, notes]);
    currentByLabel.delete(key);
  }
  for (const [key, cur] of currentByLabel) pairs.push([key, undefined, cur, []]);
  return pairs;
}

function summariseDrift(pending: readonly PendingRow[], maxDrift: number): DriftSummary {
  const controls = pending.filter((p) => p.control);
  let drift: number | undefined;
  let worst: string | undefined;
  for (const { row } of controls) {
    if (!row.interval) continue;
    const { ratio, low, high } = row.interval;
    const drifted = low > 1 || high < 1;
    const moved = Math.exp(drifted ? Math.max(-Math.log(low), Math.log(high)) : Math.abs(Math.log(ratio))) - 1;
    if (drift === undefined || moved > drift) [drift, worst] = [moved, row.key];
  }
  return {
    controls: controls.map((c) => c.row.key),
    ...(drift === undefined ? {} : { drift, worst }),
    refused: drift !== undefined && drift > maxDrift,
  };
}

function judgeRow(
  row: ComparisonRow,
  control: boolean,
  threshold: number,
  driftLog: number,
  drift: DriftSummary,
  maxDrift: number,
): ComparisonRow {
  if (row.verdict === 'added' || row.current === undefined || row.baseline === undefined) return row;
  if (control) {
    const moved = row.interval ? formatPercent(row.interval.ratio - 1, true) : 'not measurable';
    return { ...row, verdict: 'control', reason: `same model and stack on both sides: drift ${moved}` };
  }
  if (!row.interval) {
    return { ...row, verdict: 'too-noisy', reason: `fewer than ${MIN_SAMPLES} samples on a side` };
  }
  const judgement = judgeRatio(row.interval, threshold, driftLog);
  const judged = { low: judgement.low, high: judgement.high };
  if (drift.refused) {
    const reason =
      `the controls show a drift of ${formatPercent(drift.drift ?? 0)} between the runs (${drift.worst}), beyond the ` +
      `${formatPercent(maxDrift)} allowed: measure both sides again, interleaved`;
    return { ...row, judged, verdict: 'too-noisy', reason };
  }
  return { ...row, judged, verdict: judgement.verdict, reason: judgement.reason };
}

function comparisonNotes(
  rows: readonly ComparisonRow[],
  drift: DriftSummary,
  interleaved: boolean,
  useControls: boolean,
): string[] {
  const notes: string[] = [];
  const judged = rows.filter((r) => r.interval && r.verdict !== 'control');
  const methods = new Set(judged.map((r) => r.interval!.method));
  if (interleaved) notes.push('Both sides were measured interleaved, round by round: intervals are paired by round.');
  if (methods.has('normal-approximation')) {
    notes.push('Some pairs have no raw samples (a report written by an older bench): their intervals are approximate.');
  }
  if (drift.drift !== undefined) {
    notes.push(
      `Controls (${drift.controls.join(', ')}) show a drift of up to ${formatPercent(drift.drift)} between the ` +
        `sides (${drift.worst}); every ` +
        `other interval is widened by that much${drift.refused ? ', and past the allowed drift every verdict is refused' : ''}.`,
    );
  } else if (!interleaved && judged.length > 0) {
    notes.push(
      useControls
        ? 'No control (a module with identical model bytes and stack on both sides): drift of the machine between ' +
            'the two runs is not measured. Keep an unchanged module in both runs, or compare with --interleave.'
        : 'Controls are off: drift of the machine between the two runs is not measured.',
    );
  }
  return notes;
}
