// Atomic file writes live in @tamkit/common; re-exported for code written against bench's API.
export { writeFileAtomic, writeFilesAtomic } from '@tamkit/common';
export { CHART_AXIS_LABEL, reportChart } from './charts.js';
export {
  COMBINED_REPORT_KIND,
  type CombinedCell,
  type CombinedModuleRow,
  type CombinedPipelineRow,
  type CombinedReport,
  type CombinedRunner,
  type CombineInput,
  combineReports,
} from './combine.js';
export { COMBINED_CSV_COLUMNS, combinedToCsv, combinedToMarkdown, formatCombinedTable } from './combine-format.js';
export {
  type ComparedSide,
  type CompareOptions,
  type ComparisonOutcome,
  type ComparisonRow,
  compareReports,
  DEFAULT_MAX_DRIFT,
  DEFAULT_THRESHOLD,
  type DriftSummary,
  type ReportComparison,
  type Verdict,
} from './compare.js';
export { type CompareFilesOptions, type CompareFilesResult, compareReportFiles } from './compare-files.js';
export { comparisonChart } from './comparison-chart.js';
export {
  formatComparisonTable,
  formatModuleTable,
  formatPipelineTable,
  formatReportTables,
  formatShapeRatios,
} from './console-table.js';
export { CSV_COLUMNS, CSV_SHAPES_COLUMN, reportToCsv } from './csv.js';
export {
  COMPARED_ENVIRONMENT_FIELDS,
  diffEnvironments,
  type EnvironmentDifference,
  environmentFields,
} from './environment-diff.js';
export { formatMs, formatPercent, pipelineLabel, placementShare } from './labels.js';
export { comparisonToMarkdown, reportToMarkdown } from './markdown.js';
export {
  bootstrapRatio,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  type IntervalMethod,
  type IntervalOptions,
  MIN_SAMPLES,
  normalApproximationRatio,
  type PairedRound,
  pairedRoundsRatio,
  pairRounds,
  type RatioInterval,
} from './ratio-interval.js';
export { parseBenchReport, readBenchReport } from './read-report.js';
export {
  type AssignmentRecommendation,
  type ModuleChoice,
  predictFrameMs,
  type RecommendOptions,
  recommendAssignment,
  reportShapes,
  type StackAssignment,
} from './recommend.js';
export * from './schema.js';
export { type ShapeRatio, shapeRatios } from './shape-ratios.js';
export { type BarChartSpec, type ChartBar, type ChartGroup, renderBarChart } from './svg-chart.js';
export { PNG_SCALE, renderSvgToPng, writeSvgAndPng } from './svg-png.js';
export { escapeXml, textWidth } from './svg-text.js';
export { renderTextTable, type TextTableOptions } from './text-table.js';
export { parseThreshold } from './threshold.js';
export { isControlPair, type JudgedVerdict, type Judgement, judgeRatio, ratioInterval } from './verdict.js';
