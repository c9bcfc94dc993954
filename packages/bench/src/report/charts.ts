import { pipelineLabel, unique } from './labels.js';
import { type BenchReport, type LatencyStats, type ModuleResult, moduleShapes } from './schema.js';
import { type ChartBar, renderBarChart } from './svg-chart.js';

/** What the bars and whiskers show; printed under the axis of every chart. */
export const CHART_AXIS_LABEL = 'latency, ms (bar: p50, whisker: min to p90)';

/** The legend entry of pipeline frame bars in a report chart. */
const CHAINED_SERIES = 'chained pipeline, per frame';

function bar(series: string, stats: LatencyStats): ChartBar {
  return { series, value: stats.p50Ms, low: stats.minMs, high: stats.p90Ms };
}

/** SVG chart of one report: a group per module (bars per stack), then one group per pipeline's frame time. */
export function reportChart(report: BenchReport, title = report.label ?? 'bench'): string {
  // With several shape variants (bench run --shapes), a series per stack and variant: "ort-cuda static".
  const several = unique(report.modules.map(moduleShapes)).length > 1;
  const seriesOf = (m: ModuleResult) => (several ? `${m.stack} ${moduleShapes(m)}` : m.stack);
  const stacks = unique(report.modules.map(seriesOf));
  const groups = unique(report.modules.map((m) => m.module)).map((module) => ({
    label: module,
    bars: report.modules.filter((m) => m.module === module).map((m) => bar(seriesOf(m), m.latency)),
  }));
  for (const pipeline of report.pipelines) {
    groups.push({ label: `frame ${pipelineLabel(pipeline)}`, bars: [bar(CHAINED_SERIES, pipeline.perFrame)] });
  }
  const series = report.pipelines.length > 0 ? [...stacks, CHAINED_SERIES] : stacks;
  return renderBarChart({ title, axisLabel: CHART_AXIS_LABEL, groups, series });
}
