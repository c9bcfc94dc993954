import { escapeMarkdown as md } from '@tamkit/common';
import type { ComparisonRow, ReportComparison } from './compare.js';
import { comparisonSummary, formatChangeRange, formatCompared, quantileName } from './console-table.js';
import { formatMs, formatPercent, pipelineLabel, placementShare, unique } from './labels.js';
import { recommendAssignment } from './recommend.js';
import { type BenchReport, type Environment, moduleShapes } from './schema.js';

/** Cells are markup: text from reports is escaped with `md` where it is inserted; a stray `|` or newline is kept in its cell. */
function escapeCell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function environmentLines(env: Environment): string {
  const gpu = env.gpu ? `${env.gpu.name}${env.gpu.driver ? `, driver ${env.gpu.driver}` : ''}` : 'none';
  return [
    `- CPU: ${md(env.cpu.model)} (${env.cpu.cores} cores)${env.threads ? `, ${env.threads} threads` : ''}`,
    `- GPU: ${md(gpu)}`,
    `- node ${md(env.node)}, onnxruntime ${md(env.onnxruntime ?? '-')}, TensorRT ${md(env.tensorrt ?? '-')}, ${md(env.os)}`,
    ...(env.ortProviders
      ? [
          `- ORT provider libraries: ${md(env.ortProviders.libraries.join(', '))} (ONNX Runtime ${md(env.ortProviders.onnxruntime ?? '?')})`,
        ]
      : []),
    ...(env.gpuLibraries?.length
      ? [
          `- GPU libraries loaded: ${md(env.gpuLibraries.map((l) => `${l.name}${l.version ? ` ${l.version}` : ''}`).join(', '))}`,
        ]
      : []),
    ...(env.warnings ?? []).map((w) => `- **warning**: ${md(w)}`),
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
    // With several shape variants (bench run --shapes), one row per module and variant.
    const variants = unique(report.modules.map(moduleShapes));
    const keys = unique(report.modules.map((m) => `${m.module}\u0000${moduleShapes(m)}`)).map((k) => k.split('\u0000'));
    const rows = keys.map(([module, shapes]) => [
      md(variants.length > 1 ? `${module} (${shapes})` : module!),
      ...stacks.map((stack) => {
        const m = report.modules.find((r) => r.stack === stack && r.module === module && moduleShapes(r) === shapes);
        if (!m) return '';
        const share = placementShare(m);
        const where = share === undefined ? '' : `, ${formatPercent(share)} on-stack`;
        return `${formatMs(m.latency.p50Ms)} (p90 ${formatMs(m.latency.p90Ms)}, cv ${formatPercent(m.latency.cv)}${where})`;
      }),
    ]);
    parts.push('## Modules (p50 ms)', '', markdownTable(['module', ...stacks.map(md)], rows), '');
    for (const shapes of variants) {
      const rec = recommendAssignment(report, { allowPartialPlacement: true, shapes });
      const assignment = Object.entries(rec.assignment).map(([module, stack]) => `${module}=${stack}`);
      parts.push(
        `Fastest assignment${variants.length > 1 ? ` (shapes ${shapes})` : ''}: \`--stack ${assignment.join(',')}\`, ` +
          `predicted ${formatMs(rec.predictedFrameMs)} ms per frame (${rec.caveats.join(' ')})`,
        '',
      );
    }
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
  const severalShapes = unique(report.modules.map(moduleShapes)).length > 1;
  const notes = unique([
    ...report.modules.flatMap((m) =>
      (m.notes ?? []).map((n) => `${m.stack} / ${m.module}${severalShapes ? ` (${moduleShapes(m)})` : ''}: ${n}`),
    ),
    ...(report.unavailable ?? []).map((u) => `${u.stack} unavailable: ${u.reason} (${u.remedy})`),
  ]);
  if (notes.length > 0) parts.push('## Notes', '', ...notes.map((n) => `- ${md(n)}`), '');
  return parts.join('\n');
}

const VERDICT_MARK: Record<ComparisonRow['verdict'], string> = {
  regression: '**regression**',
  improvement: 'improvement',
  unchanged: 'unchanged',
  'too-noisy': '**too noisy to judge**',
  control: 'control',
  missing: 'missing in current',
  added: 'new in current',
};

const OUTCOME_TITLE: Record<ReportComparison['outcome'], string> = {
  regression: 'REGRESSION',
  'too-noisy': 'too noisy to judge',
  ok: 'no regression',
};

/**
 * A comparison as markdown: outcome, how the verdicts were reached (minimum effect, confidence, controls and
 * their drift), one table row per compared pair with its interval and the reason for its verdict.
 */
export function comparisonToMarkdown(comparison: ReportComparison, options: { chartPath?: string } = {}): string {
  const name = (side: { label?: string; createdAt: string }) =>
    `${md(side.label ?? 'unlabelled')} (${md(side.createdAt)})`;
  const confidence = `${Math.round(comparison.confidence * 100)}%`;
  const parts = [
    `# Bench comparison: ${OUTCOME_TITLE[comparison.outcome]}`,
    '',
    `Baseline ${name(comparison.baseline)}, current ${name(comparison.current)}.`,
    '',
    comparisonSummary(comparison),
    '',
    `Each pair's change is the ratio of its ${quantileName(comparison.quantile)} latencies (the quantile compared) ` +
      `with a bootstrap interval (${confidence} for the comparison as a whole, split among the pairs judged)` +
      `${comparison.interleaved ? ' (rounds of the interleaved run resampled together)' : ''}, widened by the drift ` +
      `the controls measured. It counts when that interval excludes no change and the quantile moved by at least ` +
      `${formatPercent(comparison.threshold)}; it is unchanged when the interval rules out a change that large, and ` +
      'too noisy to judge otherwise.',
    '',
    ...comparison.notes.flatMap((n) => [`- ${n}`]),
    ...(comparison.notes.length > 0 ? [''] : []),
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
    formatCompared(r),
    r.interval ? formatChangeRange(r.interval.low, r.interval.high) : '-',
    r.judged ? formatChangeRange(r.judged.low, r.judged.high) : '-',
    VERDICT_MARK[r.verdict] +
      (r.reason ? `: ${md(r.reason)}` : '') +
      (r.notes.length > 0 ? ` (${md(r.notes.join('; '))})` : ''),
  ]);
  parts.push(
    markdownTable(
      [
        'pair',
        'baseline p50 ms',
        'current p50 ms',
        `${quantileName(comparison.quantile)} change`,
        `${confidence} interval`,
        'with drift',
        'verdict',
      ],
      rows,
    ),
    '',
  );
  return parts.join('\n');
}
