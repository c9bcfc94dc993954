import { join, relative } from 'node:path';
import { writeFileAtomic } from '@tamkit/common';
import { comparisonChart } from './charts.js';
import { type CompareOptions, compareReports, type ReportComparison } from './compare.js';
import { comparisonToMarkdown } from './markdown.js';
import { readBenchReport } from './read-report.js';

/** Options of `compareReportFiles`. */
export interface CompareFilesOptions extends CompareOptions {
  baselinePath: string;
  currentPath: string;
  /** Directory for the markdown report and the SVG chart. Default "reports". */
  outDir?: string;
  /** Base name of the written files (`<name>.md`, `<name>.svg`). Default "compare". */
  name?: string;
}

/** What `compareReportFiles` did. */
export interface CompareFilesResult {
  comparison: ReportComparison;
  markdownPath: string;
  svgPath: string;
}

/**
 * Reads and validates two bench reports, compares them (see `compareReports`) and writes the markdown report
 * and its SVG chart atomically. Nothing is written when reading or comparing fails.
 */
export async function compareReportFiles(options: CompareFilesOptions): Promise<CompareFilesResult> {
  const [baseline, current] = await Promise.all([
    readBenchReport(options.baselinePath),
    readBenchReport(options.currentPath),
  ]);
  const comparison = compareReports(baseline, current, options);
  const outDir = options.outDir ?? 'reports';
  const name = options.name ?? 'compare';
  const markdownPath = join(outDir, `${name}.md`);
  const svgPath = join(outDir, `${name}.svg`);
  await writeFileAtomic(svgPath, comparisonChart(comparison));
  const chartLink = relative(outDir, svgPath).split('\\').join('/');
  await writeFileAtomic(markdownPath, comparisonToMarkdown(comparison, { chartPath: chartLink }));
  return { comparison, markdownPath, svgPath };
}
