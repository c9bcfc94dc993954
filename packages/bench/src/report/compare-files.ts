import { basename, join, relative } from 'node:path';
import { UsageError, writeFileAtomic } from '@tamkit/common';
import { type InterleaveOptions, remeasureInterleaved } from '../measure/interleave.js';
import { type CompareOptions, compareReports, type ReportComparison } from './compare.js';
import { comparisonChart } from './comparison-chart.js';
import { comparisonToMarkdown } from './markdown.js';
import { readBenchReport } from './read-report.js';
import { moduleShapes } from './schema.js';
import { writeSvgAndPng } from './svg-png.js';

/** Options of `compareReportFiles`. */
export interface CompareFilesOptions extends CompareOptions {
  baselinePath: string;
  /**
   * The current report. Absent: the shape variants within the baseline report are compared (each against its
   * original, `withinShapes`); the report must have run more than one.
   */
  currentPath?: string;
  /** Directory for the markdown report and the SVG chart. Default "reports". */
  outDir?: string;
  /** Base name of the written files (`<name>.md`, `<name>.svg`, `<name>.png`). Default "compare". */
  name?: string;
  /**
   * Measure both sides again, interleaved round by round, from the model files the reports name (see
   * `remeasureInterleaved`), and judge those samples. The two new reports are written as
   * `<name>-baseline.json` and `<name>-current.json`. Default: judge the stored runs.
   */
  interleave?: Omit<InterleaveOptions, 'pairStacks'>;
}

/** What `compareReportFiles` did. */
export interface CompareFilesResult {
  comparison: ReportComparison;
  markdownPath: string;
  svgPath: string;
  /** The chart as PNG, beside the SVG. */
  pngPath: string;
  /** The reports measured again, when interleaved. */
  interleavedPaths?: { baseline: string; current: string };
}

/**
 * Reads and validates two bench reports, optionally measures them again interleaved, compares them (see
 * `compareReports`) and writes the markdown report and its SVG chart atomically. Nothing is written when
 * reading, measuring or comparing fails.
 */
export async function compareReportFiles(options: CompareFilesOptions): Promise<CompareFilesResult> {
  if (options.currentPath === undefined) return compareShapeVariantsFile(options);
  let [baseline, current] = await Promise.all([
    readBenchReport(options.baselinePath),
    readBenchReport(options.currentPath),
  ]);
  const outDir = options.outDir ?? 'reports';
  const name = options.name ?? 'compare';
  let interleavedPaths: CompareFilesResult['interleavedPaths'];
  if (options.interleave) {
    ({ baseline, current } = await remeasureInterleaved(baseline, current, {
      ...options.interleave,
      ...(options.pairStacks ? { pairStacks: options.pairStacks } : {}),
    }));
  }
  const comparison = compareReports(baseline, current, options);
  comparison.baseline.name = basename(options.baselinePath, '.json');
  comparison.current.name = basename(options.currentPath, '.json');
  const written = await writeComparison(comparison, options);
  if (options.interleave) {
    interleavedPaths = {
      baseline: join(outDir, `${name}-baseline.json`),
      current: join(outDir, `${name}-current.json`),
    };
    await writeFileAtomic(interleavedPaths.baseline, `${JSON.stringify(baseline, null, 2)}\n`);
    await writeFileAtomic(interleavedPaths.current, `${JSON.stringify(current, null, 2)}\n`);
  }
  return { comparison, ...written, ...(interleavedPaths ? { interleavedPaths } : {}) };
}

/** One report's shape variants, each against its original (`compareReports` with `withinShapes`). */
async function compareShapeVariantsFile(options: CompareFilesOptions): Promise<CompareFilesResult> {
  if (options.interleave) {
    throw new UsageError(
      'Interleaving measures two reports again; one report compares its own shape variants.',
      'Drop --interleave (variants of one bench run were already measured interleaved), or name two reports.',
    );
  }
  const report = await readBenchReport(options.baselinePath);
  const variants = new Set([
    ...report.modules.map(moduleShapes),
    ...report.pipelines.map((p) => p.shapes ?? 'original'),
  ]);
  if (variants.size < 2) {
    throw new UsageError(
      `${options.baselinePath} ran one shape variant (${[...variants].join(', ') || 'no result'}): nothing to compare within it.`,
      'Name a second report to compare against, or run bench with several --shapes (e.g. --shapes original --shapes static).',
    );
  }
  const comparison = compareReports(report, report, { ...options, withinShapes: true });
  comparison.baseline.name = `${basename(options.baselinePath, '.json')} (original)`;
  comparison.current.name = `${basename(options.baselinePath, '.json')} (${[...variants].filter((v) => v !== 'original').join(', ')})`;
  return { comparison, ...(await writeComparison(comparison, options)) };
}

/** Writes the markdown report and its chart (SVG, PNG) of a comparison. */
async function writeComparison(
  comparison: ReportComparison,
  options: Pick<CompareFilesOptions, 'outDir' | 'name'>,
): Promise<{ markdownPath: string; svgPath: string; pngPath: string }> {
  const outDir = options.outDir ?? 'reports';
  const name = options.name ?? 'compare';
  const markdownPath = join(outDir, `${name}.md`);
  const svgPath = join(outDir, `${name}.svg`);
  const { pngPath } = await writeSvgAndPng(svgPath, comparisonChart(comparison));
  const chartLink = relative(outDir, svgPath).split('\\').join('/');
  await writeFileAtomic(markdownPath, comparisonToMarkdown(comparison, { chartPath: chartLink }));
  return { markdownPath, svgPath, pngPath };
}
