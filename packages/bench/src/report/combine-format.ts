import { escapeMarkdown as md, neutralizeCsvCell } from '@tamkit/common';
import { stringify } from 'csv-stringify/sync';
import type { CombinedCell, CombinedReport } from './combine.js';
import { formatMs } from './labels.js';
import { environmentLines, markdownTable } from './markdown.js';
import { renderTextTable } from './text-table.js';

function cellText(cell: CombinedCell | null): string {
  if (!cell) return '-';
  return cell.vsFastest === 1 ? formatMs(cell.p50Ms) : `${formatMs(cell.p50Ms)} (${cell.vsFastest.toFixed(2)}x)`;
}

function moduleRows(report: CombinedReport): string[][] {
  return report.modules.map((row) => [
    `${row.stack} ${row.module}${row.sameModel ? '' : ' *'}`,
    ...row.cells.map(cellText),
    row.fastest,
  ]);
}

function pipelineRows(report: CombinedReport): string[][] {
  return report.pipelines.map((row) => [
    row.pipeline,
    ...row.cells.map((c) =>
      c ? `${c.fps.toFixed(1)} fps${c.vsFastest === 1 ? '' : ` (${c.vsFastest.toFixed(2)}x)`}` : '-',
    ),
    row.fastest,
  ]);
}

/** The combined report as console text: p50 per runner (x slower than the fastest), then pipelines. */
export function formatCombinedTable(report: CombinedReport): string {
  const runners = report.runners.map((r) => r.label);
  const parts = [
    renderTextTable(['stack module', ...runners.map((r) => `${r} p50 ms`), 'fastest'], moduleRows(report)),
  ];
  if (report.pipelines.length > 0) {
    parts.push(renderTextTable(['pipeline', ...runners.map((r) => `${r} FPS`), 'fastest'], pipelineRows(report)));
  }
  if (report.differences.length > 0) {
    parts.push(
      renderTextTable(
        ['environment', ...runners],
        report.differences.map((d) => [d.field, ...d.values]),
        { align: runners.map(() => 'left' as const).concat('left') },
      ),
    );
  }
  return parts.join('\n') + report.warnings.map((w) => `note: ${w}\n`).join('');
}

/** The combined report as markdown: each runner's environment, then modules and pipelines side by side. */
export function combinedToMarkdown(report: CombinedReport): string {
  const runners = report.runners.map((r) => md(r.label));
  const lines = ['# Bench results across runners', ''];
  for (const runner of report.runners) {
    lines.push(`## ${md(runner.label)}`, '', `From ${md(runner.source)}, ${md(runner.createdAt)}.`, '');
    lines.push(environmentLines(runner.environment), '');
  }
  lines.push('## Modules: median latency (ms), x slower than the fastest runner', '');
  lines.push(
    markdownTable(
      ['stack / module', ...runners, 'fastest'],
      moduleRows(report).map((r) => r.map(md)),
    ),
    '',
  );
  if (report.modules.some((m) => !m.sameModel)) {
    lines.push('\\* the runners timed different model files for this row.', '');
  }
  if (report.pipelines.length > 0) {
    lines.push('## Pipelines: frames per second', '');
    lines.push(
      markdownTable(
        ['pipeline', ...runners, 'fastest'],
        pipelineRows(report).map((r) => r.map(md)),
      ),
      '',
    );
  }
  if (report.differences.length > 0) {
    lines.push('## Where the environments differ', '');
    lines.push(
      markdownTable(
        ['field', ...runners],
        report.differences.map((d) => [d.field, ...d.values].map(md)),
      ),
      '',
    );
  }
  for (const warning of report.warnings) lines.push(`- **note**: ${md(warning)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The CSV columns of a combined report: one row per runner and stack/module (or pipeline). */
export const COMBINED_CSV_COLUMNS = [
  'row',
  'runner',
  'stack',
  'module',
  'pipeline',
  'p50_ms',
  'p90_ms',
  'cv',
  'samples',
  'fps',
  'vs_fastest',
  'gpu',
  'gpu_driver',
  'cpu',
  'onnxruntime',
  'tensorrt',
] as const;

/** The combined report as long-format CSV (one row per runner and measurement), for spreadsheets and plots. */
export function combinedToCsv(report: CombinedReport): string {
  const env = (i: number) => {
    const e = report.runners[i]!.environment;
    return {
      gpu: e.gpu?.name ?? '',
      gpu_driver: e.gpu?.driver ?? '',
      cpu: e.cpu.model,
      onnxruntime: e.onnxruntime ?? '',
      tensorrt: e.tensorrt ?? '',
    };
  };
  const rows: Record<string, string | number>[] = [];
  for (const row of report.modules) {
    row.cells.forEach((cell, i) => {
      if (!cell) return;
      rows.push({
        row: 'module',
        runner: report.runners[i]!.label,
        stack: row.stack,
        module: row.module,
        pipeline: '',
        p50_ms: cell.p50Ms,
        p90_ms: cell.p90Ms,
        cv: cell.cv,
        samples: cell.samples,
        fps: '',
        vs_fastest: cell.vsFastest,
        ...env(i),
      });
    });
  }
  for (const row of report.pipelines) {
    row.cells.forEach((cell, i) => {
      if (!cell) return;
      rows.push({
        row: 'pipeline',
        runner: report.runners[i]!.label,
        stack: '',
        module: '',
        pipeline: row.pipeline,
        p50_ms: cell.frameP50Ms,
        p90_ms: '',
        cv: '',
        samples: '',
        fps: cell.fps,
        vs_fastest: cell.vsFastest,
        ...env(i),
      });
    });
  }
  return stringify(rows, { header: true, columns: [...COMBINED_CSV_COLUMNS], cast: { string: neutralizeCsvCell } });
}
