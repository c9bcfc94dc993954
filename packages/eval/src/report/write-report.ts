import { join } from 'node:path';
import { writeSvgAndPng } from '@tamkit/bench';
import { writeFileAtomic } from '@tamkit/common';
import { renderMarkdownSummary } from './markdown.js';
import { renderStandardPlots } from './plots.js';
import type { LasotScoreReport } from './score-report.js';

/** Options of `writeLasotReport`. */
export interface WriteReportOptions {
  /** Output folder. */
  outDir: string;
  /** Dataset name in plot titles and the heading. Default `LaSOT`. */
  title?: string;
  /** Caveats printed at the top of the summary. */
  notes?: readonly string[];
}

/**
 * Writes `summary.md` and the success, precision and normalized precision plots, each as SVG and as PNG beside it
 * (for viewers that do not show SVG); returns the paths.
 */
export async function writeLasotReport(
  reports: readonly LasotScoreReport[],
  options: WriteReportOptions,
): Promise<string[]> {
  const title = options.title ?? 'LaSOT';
  const plots = renderStandardPlots(reports, title);
  const written: string[] = [];
  for (const [file, svg] of Object.entries(plots)) {
    const { svgPath, pngPath } = await writeSvgAndPng(join(options.outDir, file), svg);
    written.push(svgPath, pngPath);
  }
  const summary = join(options.outDir, 'summary.md');
  await writeFileAtomic(
    summary,
    renderMarkdownSummary(reports, { title: `${title} results`, plots: Object.keys(plots), notes: options.notes }),
  );
  written.push(summary);
  return written;
}
