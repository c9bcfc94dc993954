import { describe, expect, it } from 'vitest';
import { toBoxSeries } from '../src/lasot/boxes.js';
import { aggregateScores } from '../src/metrics/aggregate.js';
import { scoreSequence } from '../src/metrics/sequence-score.js';
import { renderMarkdownSummary } from '../src/report/markdown.js';
import { renderStandardPlots } from '../src/report/plots.js';
import { buildScoreReport, type LasotScoreReport } from '../src/report/score-report.js';
import { renderCurvePlot } from '../src/report/svg-plot.js';

function report(label: string, shift: number): LasotScoreReport {
  const gt = toBoxSeries([
    [1, 1, 10, 10],
    [1, 1, 10, 10],
  ]);
  const score = scoreSequence(
    {
      name: 'a-1',
      predicted: toBoxSeries([
        [1, 1, 10, 10],
        [1 + shift, 1, 10, 10],
      ]),
      groundTruth: gt,
    },
    'lasot',
  );
  return buildScoreReport({
    label,
    convention: 'lasot',
    scores: [score],
    aggregate: aggregateScores([score], 'lasot'),
  });
}

describe('plots', () => {
  it('draws one line per tracker, best first in the legend, with labels escaped', () => {
    const svg = renderCurvePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x: [0, 0.5, 1],
      series: [
        { label: 'worse <fp16>', values: [0.5, 0.2, 0], legendValue: 0.2 },
        { label: 'better & co', values: [1, 0.9, 0], legendValue: 0.6 },
      ],
      legend: 'bottom-left',
    });
    expect(svg.match(/<polyline /g)?.length).toBe(2);
    expect(svg.indexOf('[0.600] better &amp; co')).toBeLessThan(svg.indexOf('[0.200] worse &lt;fp16&gt;'));
    // y = 1 maps to the top of the plot area (margin 40), y = 0 to its bottom (440 - 56 = 384).
    expect(svg).toContain('64.0,40.0');
    expect(svg).toContain('540.0,384.0');
  });

  it('renders the success, precision and normalized precision plots of the reports', () => {
    const plots = renderStandardPlots([report('exact', 0), report('shifted', 5)]);
    expect(Object.keys(plots)).toEqual(['success.svg', 'precision.svg', 'normalized-precision.svg']);
    expect(plots['precision.svg']).toContain('] shifted</text>');
  });
});

describe('markdown summary', () => {
  it('ranks trackers by AUC and prints scores in percent', () => {
    const md = renderMarkdownSummary([report('shifted', 5), report('exact', 0)], { notes: ['random weights'] });
    // exact: AUC 20/21 = 95.2 %; it must come first.
    expect(md.indexOf('| exact |')).toBeLessThan(md.indexOf('| shifted |'));
    expect(md).toContain('| exact | lasot | 1 | 95.2 | 100.0 | 100.0 | 100.0 |');
    expect(md).toContain('> random weights');
  });
});
