// Atomic file writes live in @tamkit/common; re-exported for code written against bench's API.
export { writeFileAtomic, writeFilesAtomic } from '@tamkit/common';
export { CHART_AXIS_LABEL, comparisonChart, reportChart } from './charts.js';
export {
  type CompareOptions,
  type ComparisonRow,
  compareReports,
  DEFAULT_NOISE_K,
  DEFAULT_THRESHOLD,
  judgeChange,
  type ReportComparison,
  type Verdict,
} from './compare.js';
export { type CompareFilesOptions, type CompareFilesResult, compareReportFiles } from './compare-files.js';
export { formatComparisonTable, formatModuleTable, formatPipelineTable, formatReportTables } from './console-table.js';
export { CSV_COLUMNS, reportToCsv } from './csv.js';
export { COMPARED_ENVIRONMENT_FIELDS, diffEnvironments, type EnvironmentDifference } from './environment-diff.js';
export { formatMs, formatPercent, pipelineLabel, placementShare } from './labels.js';
export { comparisonToMarkdown, reportToMarkdown } from './markdown.js';
export { parseBenchReport, readBenchReport } from './read-report.js';
export {
  type AssignmentRecommendation,
  type ModuleChoice,
  predictFrameMs,
  type RecommendOptions,
  recommendAssignment,
  type StackAssignment,
} from './recommend.js';
export * from './schema.js';
export { type BarChartSpec, type ChartBar, type ChartGroup, renderBarChart } from './svg-chart.js';
export { renderTextTable, type TextTableOptions } from './text-table.js';
export { parseThreshold } from './threshold.js';
