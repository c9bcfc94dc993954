import { neutralizeCsvCell } from '@tamkit/common';
import { stringify } from 'csv-stringify/sync';
import { pipelineLabel, placementShare } from './labels.js';
import { type BenchReport, type LatencyStats, moduleShapes } from './schema.js';

/** The CSV columns, in order. `row` is "module", "stage" (one pipeline stage) or "frame" (a pipeline's frame). */
export const CSV_COLUMNS = [
  'row',
  'stack',
  'module',
  'pipeline',
  'samples',
  'min_ms',
  'mean_ms',
  'p50_ms',
  'p90_ms',
  'p99_ms',
  'max_ms',
  'std_ms',
  'cv',
  'placement_share',
  'model_sha256',
  'notes',
] as const;

/** The extra column when several shape variants ran (after `module`): the row's variant. */
export const CSV_SHAPES_COLUMN = 'shapes' as const;

type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number> & { shapes?: string };

/** Rounds to 1 ns (6 decimals of a millisecond): finer digits are float noise, not measurement. */
function ns(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

function statsColumns(stats: LatencyStats) {
  return {
    samples: stats.samples,
    min_ms: ns(stats.minMs),
    mean_ms: ns(stats.meanMs),
    p50_ms: ns(stats.p50Ms),
    p90_ms: ns(stats.p90Ms),
    p99_ms: ns(stats.p99Ms),
    max_ms: ns(stats.maxMs),
    std_ms: ns(stats.stdMs),
    cv: ns(stats.cv),
  };
}

/**
 * The report as CSV (with a header line): one row per module result, one per pipeline stage and one per
 * pipeline's whole frame. Times are milliseconds rounded to 1 ns; notes are joined with "; ". When several shape
 * variants ran (modules or pipelines), a `shapes` column after `module` says each row's.
 */
export function reportToCsv(report: BenchReport): string {
  const variants = new Set([
    ...report.modules.map(moduleShapes),
    ...report.pipelines.map((p) => p.shapes ?? 'original'),
  ]);
  const withShapes = variants.size > 1;
  const rows: CsvRow[] = report.modules.map((m) => ({
    row: 'module',
    stack: m.stack,
    module: m.module,
    shapes: moduleShapes(m),
    pipeline: '',
    ...statsColumns(m.latency),
    placement_share: placementShare(m)?.toFixed(4) ?? '',
    model_sha256: m.modelSha256 ?? '',
    notes: (m.notes ?? []).join('; '),
  }));
  for (const pipeline of report.pipelines) {
    const label = pipelineLabel(pipeline);
    const notes = (pipeline.notes ?? []).join('; ');
    for (const [stage, stats] of Object.entries(pipeline.perStage)) {
      rows.push({
        row: 'stage',
        stack: pipeline.stacks[stage] ?? '',
        module: stage,
        shapes: pipeline.shapes ?? 'original',
        pipeline: label,
        ...statsColumns(stats),
        placement_share: '',
        model_sha256: '',
        notes,
      });
    }
    rows.push({
      row: 'frame',
      stack: '',
      module: '',
      shapes: pipeline.shapes ?? 'original',
      pipeline: label,
      ...statsColumns(pipeline.perFrame),
      placement_share: '',
      model_sha256: '',
      notes,
    });
  }
  // Text cells (labels, notes, variant and model names) never start a spreadsheet formula; numbers keep their sign.
  const columns: string[] = [...CSV_COLUMNS];
  if (withShapes) columns.splice(columns.indexOf('module') + 1, 0, CSV_SHAPES_COLUMN);
  return stringify(rows, { header: true, columns, cast: { string: neutralizeCsvCell } });
}
