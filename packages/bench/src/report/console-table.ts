import type { ComparisonRow, ReportComparison } from './compare.js';
import { formatMs, formatPercent, pipelineLabel, placementShare, unique } from './labels.js';
import { type BenchReport, moduleShapes } from './schema.js';
import { shapeRatios } from './shape-ratios.js';
import { renderTextTable } from './text-table.js';

const MODULE_COLUMNS = ['p50 ms', 'p90 ms', 'cv', 'on-stack'] as const;

/**
 * Per-module latency with the stacks side by side: one row per module, and for each stack its p50, p90,
 * coefficient of variation and placement share (kernel time on the requested provider; "-" when not reported).
 * A module a stack did not run shows empty cells. When several shape variants ran, one row per module and
 * variant, with a `shapes` column, and one sum row per variant.
 */
export function formatModuleTable(report: BenchReport): string {
  const stacks = unique(report.modules.map((m) => m.stack));
  const modules = unique(report.modules.map((m) => m.module));
  const variants = unique(report.modules.map(moduleShapes));
  const withShapes = variants.length > 1;
  const lead = withShapes ? ['module', 'shapes'] : ['module'];
  const header = [...lead, ...stacks.flatMap(() => [...MODULE_COLUMNS])];
  const keys = modules.flatMap((module) =>
    variants
      .filter((shapes) => report.modules.some((m) => m.module === module && moduleShapes(m) === shapes))
      .map((shapes) => ({ module, shapes })),
  );
  const rows = keys.map(({ module, shapes }) => [
    ...(withShapes ? [module, shapes] : [module]),
    ...stacks.flatMap((stack) => {
      const result = report.modules.find((m) => m.stack === stack && m.module === module && moduleShapes(m) === shapes);
      if (!result) return MODULE_COLUMNS.map(() => '');
      const share = placementShare(result);
      return [
        formatMs(result.latency.p50Ms),
        formatMs(result.latency.p90Ms),
        formatPercent(result.latency.cv),
        share === undefined ? '-' : formatPercent(share),
      ];
    }),
  ]);
  for (const shapes of variants) {
    rows.push([
      ...(withShapes ? ['sum of p50', shapes] : ['sum of p50']),
      ...stacks.flatMap((stack) => {
        const results = report.modules.filter((m) => m.stack === stack && moduleShapes(m) === shapes);
        const complete = results.length === modules.length;
        const sum = results.reduce((total, m) => total + m.latency.p50Ms, 0);
        return [complete ? formatMs(sum) : `(${formatMs(sum)})`, '', '', ''];
      }),
    ]);
  }
  const groups = [
    { title: '', span: lead.length },
    ...stacks.map((stack) => ({ title: stack, span: MODULE_COLUMNS.length })),
  ];
  return renderTextTable(header, rows, { groups });
}

/**
 * With several shape variants: for each stack and module, each variant's p50 against the original's (the
 * specialised/original ratio), e.g. "ort-cuda memory_attention static/original p50 0.83 (14.1 -> 11.7 ms)".
 */
export function formatShapeRatios(report: BenchReport): string {
  const lines = shapeRatios(report).map(
    (r) =>
      `${r.stack} ${r.module} ${r.shapes}/original p50 ${r.ratio.toFixed(3)} ` +
      `(${formatMs(r.originalP50Ms)} -> ${formatMs(r.p50Ms)} ms)`,
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** One row per chained pipeline: per-frame p50/p90, FPS, the p50 of each stage, and overhead over isolated runs. */
export function formatPipelineTable(report: BenchReport): string {
  const stages = unique(report.pipelines.flatMap((p) => Object.keys(p.perStage)));
  const header = [
    'pipeline',
    'frames',
    'frame p50',
    'frame p90',
    'fps',
    ...stages.map((s) => `${s} p50`),
    'vs isolated',
  ];
  const rows = report.pipelines.map((p) => [
    pipelineLabel(p),
    String(p.frames),
    formatMs(p.perFrame.p50Ms),
    formatMs(p.perFrame.p90Ms),
    p.fps.toFixed(1),
    ...stages.map((stage) => {
      const stats = p.perStage[stage];
      return stats ? formatMs(stats.p50Ms) : '';
    }),
    p.isolatedSumMs ? formatPercent(p.perFrame.p50Ms / p.isolatedSumMs - 1, true) : '-',
  ]);
  return renderTextTable(header, rows);
}

/** The whole report as console text: module table, pipeline table, stacks that could not run, and notes. */
export function formatReportTables(report: BenchReport): string {
  const parts: string[] = [];
  if (report.modules.length > 0) parts.push(formatModuleTable(report));
  const ratios = formatShapeRatios(report);
  if (ratios) parts.push(ratios);
  if (report.pipelines.length > 0) parts.push(formatPipelineTable(report));
  for (const u of report.unavailable ?? []) parts.push(`${u.stack} unavailable: ${u.reason}\n  Note: ${u.remedy}\n`);
  for (const w of report.environment?.warnings ?? []) parts.push(`warning: ${w}\n`);
  const notes = unique(report.modules.flatMap((m) => (m.notes ?? []).map((note) => `${m.stack}: ${note}`)));
  if (notes.length > 0) parts.push(`${notes.map((n) => `note: ${n}`).join('\n')}\n`);
  return parts.join('\n');
}

/** "p25" for the quantile 0.25. */
export function quantileName(quantile: number): string {
  return `p${Number((quantile * 100).toFixed(1))}`;
}

/** The change of the compared quantile (of the median when the pair has no interval), e.g. "+12.5%". */
export function formatCompared(row: ComparisonRow): string {
  if (row.interval) return formatPercent(row.interval.ratio - 1, true);
  return row.deltaRatio === undefined ? '-' : formatPercent(row.deltaRatio, true);
}

/** `-3.1%..+2.0%`: an interval of a ratio as the changes it allows. */
export function formatChangeRange(low: number, high: number): string {
  return `${formatPercent(low - 1, true)}..${formatPercent(high - 1, true)}`;
}

/** One line on the outcome, the counts and the drift the controls measured. */
export function comparisonSummary(comparison: ReportComparison): string {
  const { counts, drift } = comparison;
  const outcome = { regression: 'REGRESSION', 'too-noisy': 'TOO NOISY TO JUDGE', ok: 'no regression' }[
    comparison.outcome
  ];
  const driftText = drift.drift === undefined ? '' : `; control drift up to ${formatPercent(drift.drift)}`;
  return (
    `${outcome}: ${counts.regression} regression(s), ${counts.improvement} improvement(s), ${counts.unchanged} ` +
    `unchanged, ${counts['too-noisy']} too noisy, ${counts.control} control(s), ${counts.missing} missing, ` +
    `${counts.added} new${driftText}`
  );
}

/**
 * The comparison for a terminal: one row per compared pair with the change of the compared quantile, the interval the
 * verdict was read from (widened by the controls' drift), and the verdict; regressions marked with "!!".
 */
export function formatComparisonTable(comparison: ReportComparison): string {
  const rows = comparison.rows.map((r) => [
    r.key,
    r.baseline ? formatMs(r.baseline.p50Ms) : '-',
    r.current ? formatMs(r.current.p50Ms) : '-',
    formatCompared(r),
    r.judged
      ? formatChangeRange(r.judged.low, r.judged.high)
      : r.interval
        ? formatChangeRange(r.interval.low, r.interval.high)
        : '-',
    r.verdict === 'regression' ? '!! regression' : r.verdict,
  ]);
  const header = [
    'pair',
    'base p50 ms',
    'cur p50 ms',
    `${quantileName(comparison.quantile)} change`,
    `${Math.round(comparison.confidence * 100)}% interval`,
    'verdict',
  ];
  const table = renderTextTable(header, rows, { align: ['left', 'right', 'right', 'right', 'right', 'left'] });
  return `${table}${comparisonSummary(comparison)}\n${comparison.notes.map((n) => `note: ${n}\n`).join('')}`;
}
