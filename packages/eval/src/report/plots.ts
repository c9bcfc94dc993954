import type { LasotScoreReport } from './score-report.js';
import { renderCurvePlot } from './svg-plot.js';

/** The three standard LaSOT plots of one or more score reports, as SVG text keyed by file name. */
export function renderStandardPlots(reports: readonly LasotScoreReport[], title = 'LaSOT'): Record<string, string> {
  const first = reports[0];
  if (!first) return {};
  const conventions = [...new Set(reports.map((r) => r.convention))].join(', ');
  const suffix = ` (${conventions} convention)`;
  return {
    'success.svg': renderCurvePlot({
      title: `Success plots of OPE on ${title}${suffix}`,
      xLabel: 'Overlap threshold',
      yLabel: 'Success rate',
      x: first.curves.overlapThresholds,
      series: reports.map((r) => ({ label: r.label, values: r.curves.success, legendValue: r.auc })),
    }),
    'precision.svg': renderCurvePlot({
      title: `Precision plots of OPE on ${title}${suffix}`,
      xLabel: 'Location error threshold (px)',
      yLabel: 'Precision',
      x: first.curves.precisionThresholds,
      series: reports.map((r) => ({ label: r.label, values: r.curves.precision, legendValue: r.precision })),
    }),
    'normalized-precision.svg': renderCurvePlot({
      title: `Normalized precision plots of OPE on ${title}${suffix}`,
      xLabel: 'Normalized location error threshold',
      yLabel: 'Normalized precision',
      x: first.curves.normalizedPrecisionThresholds,
      series: reports.map((r) => ({
        label: r.label,
        values: r.curves.normalizedPrecision,
        legendValue: r.normalizedPrecision,
      })),
    }),
  };
}
