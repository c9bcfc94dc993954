import { escapeMarkdown as md } from '@tamkit/common';
import type { ComparisonRow, ReportComparison } from './compare.js';
import { formatMs, formatPercent, pipelineLabel, placementShare, unique } from './labels.js';
import { recommendAssignment } from './recommend.js';
import type { BenchReport, Environment } from './schema.js';

/** Cells are markup: text from reports is escaped with `md` where it is inserted; a stray `|` or newline is kept in its cell. */
function escapeCell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function environmentLines(env: Environment): string {
  const gpu = env.gpu ? `${env.gpu.name}${env.gpu.driver ? `, driver ${env.gpu.driver}` : ''}` : 'none';
  return [
    `- CPU: ${md(env.cpu.model)} (${env.cpu.cores} cores)${env.threads ? `, ${env.threads} threads` : ''}`,
    `- GPU: ${md(gpu)}`,
    `- node ${md(env.node)}, onnxruntime ${md(env.onnxruntime ?? '-')}, TensorRT ${md(env.tensorrt ?? '-')}, ${md(env.os)}`,
  ].join('\n');
}

/** A single run as markdown: environment, per-module table (stacks side by side), pipelines, recommendation. */
export function reportToMarkdown(report: BenchReport, options: { chartPath?: string } = {}): string {
  const parts = [
    `# Bench report${report.label ? `: ${md(report.label)}` : ''}`,
    '',
    `Run ${md(report.createdAt)}.`,
    '',
  ];
  parts.push(environmentLines(report.environment), '');
  if (options.chartPath) parts.push(`![latency chart](${options.chartPath})`, '');
  if (report.modules.length > 0) {
    const stacks = unique(report.modules.map((m) => m.stack));
    const rows = unique(report.modules.map((m) => m.module)).map((module) => [
      md(module),
      ...stacks.map((stack) => {
        const m = report.modules.find((r) => r.stack === stack && r.module === module);
        if (!m) return '';
        const share = placementShare(m);
        const where = share === undefined ? '' : `, ${formatPercent(share)} on-stack`;
        return `${formatMs(m.latency.p50Ms)} (p90 ${formatMs(m.latency.p90Ms)}, cv ${formatPercent(m.latency.cv)}${where})`;
      }),
    ]);
    parts.push('## Modules (p50 ms)', '', markdownTable(['module', ...stacks.map(md)], rows), '');
    const rec = recommendAssignment(report, { allowPartialPlacement: true });
    const assignment = Object.entries(rec.assignment).map(([module, stack]) => `${module}=${stack}`);
    parts.push(
      `Fastest assignment: \`--stack ${assignment.join(',')}\`, predicted ${formatMs(rec.predictedFrameMs)} ms per frame ` +
        `(${rec.caveats.join(' ')})`,
      '',
    );
  }
  if (report.pipelines.length > 0) {
    const rows = report.pipelines.map((p) => [
      md(pipelineLabel(p)),
      String(p.frames),
      formatMs(p.perFrame.p50Ms),
      formatMs(p.perFrame.p90Ms),
      p.fps.toFixed(1),
      p.isolatedSumMs ? formatPercent(p.perFrame.p50Ms / p.isolatedSumMs - 1, true) : '-',
    ]);
    parts.push(
      '## Chained pipelines',
      '',
      markdownTable(['pipeline', 'frames', 'p50 ms', 'p90 ms', 'fps', 'vs isolated'], rows),
      '',
    );
  }
  const notes = unique([
    ...report.modules.flatMap((m) => (m.notes ?? []).map((n) => `${m.stack} / ${m.module}: ${n}`)),
    ...(report.unavailable ?? []).map((u) => `${u.stack} unavailable: ${u.reason} (${u.remedy})`),
  ]);
  if (notes.length > 0) parts.push('## Notes', '', ...notes.map((n) => `- ${md(n)}`), '');
  return parts.join('\n');
}

const VERDICT_MARK: Record<ComparisonRow['verdict'], string> = {
  regression: '**regression**',
  improvement: 'improvement',
  unchanged: 'unchanged',
  missing: 'missing in current',
  added: 'new in current',
};

/** A comparison as markdown: summary line, how noise was judged, one table row per compared pair. */
export function comparisonToMarkdown(comparison: ReportComparison, options: { chartPath?: string } = {}): string {
  const { counts } = comparison;
  const name = (side: { label?: string; createdAt: string }) =>
    `${md(side.label ?? 'unlabelled')} (${md(side.createdAt)})`;
  const parts = [
    `# Bench comparison: ${comparison.hasRegression ? 'REGRESSION' : 'no regression'}`,
    '',
    `Baseline ${name(comparison.baseline)}, current ${name(comparison.current)}.`,
    '',
    `${counts.regression} regression(s), ${counts.improvement} improvement(s), ${counts.unchanged} unchanged, ` +
      `${counts.missing} missing, ${counts.added} new.`,
    '',
    `A change counts when the median moves by more than max(${formatPercent(comparison.threshold)} of the baseline, ` +
      `${comparison.noiseK} x pooled standard deviation of both runs); the limit column shows that bound.`,
    '',
  ];
  if (comparison.environmentDifferences.length > 0) {
    parts.push(
      '**Forced comparison across different environments**: verdicts may reflect the machine, not the change.',
      '',
      ...comparison.environmentDifferences.map(
        (d) => `- ${md(d.field)}: ${md(String(d.baseline))} vs ${md(String(d.current))}`,
      ),
      '',
    );
  }
  if (options.chartPath) parts.push(`![comparison chart](${options.chartPath})`, '');
  const rows = comparison.rows.map((r) => [
    md(r.key),
    r.baseline ? formatMs(r.baseline.p50Ms) : '-',
    r.current ? formatMs(r.current.p50Ms) : '-',
    r.deltaMs === undefined ? '-' : `${r.deltaMs > 0 ? '+' : ''}${formatMs(r.deltaMs)}`,
    r.deltaRatio === undefined ? '-' : formatPercent(r.deltaRatio, true),
    r.limitMs === undefined ? '-' : `±${formatMs(r.limitMs)} (${r.limitBy})`,
    VERDICT_MARK[r.verdict] + (r.notes.length > 0 ? ` (${md(r.notes.join('; '))})` : ''),
  ]);
  parts.push(
    markdownTable(['pair', 'baseline p50 ms', 'current p50 ms', 'delta ms', 'delta', 'limit', 'verdict'], rows),
    '',
  );
  return parts.join('\n');
}
