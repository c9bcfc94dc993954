import { describe, expect, it } from 'vitest';
import { toBoxSeries } from '../src/lasot/boxes.js';
import { aggregateScores } from '../src/metrics/aggregate.js';
import { scoreSequence } from '../src/metrics/sequence-score.js';
import { renderMarkdownSummary } from '../src/report/markdown.js';
import { renderStandardPlots } from '../src/report/plots.js';
import { buildScoreReport, type LasotScoreReport } from '../src/report/score-report.js';
import { renderCurvePlot, seriesStyle } from '../src/report/svg-plot.js';

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
    });
    expect(svg.match(/<polyline /g)?.length).toBe(2);
    expect(svg.indexOf('[0.600] better &amp; co')).toBeLessThan(svg.indexOf('[0.200] worse &lt;fp16&gt;'));
    // y = 1 maps to the top of the plot area (margin 40), y = 0 to its bottom (440 - 56 = 384).
    expect(svg).toContain('64.0,40.0');
    expect(svg).toContain('540.0,384.0');
  });

  it('labels ticks with the precision of their step: 0.05 steps on the normalized precision axis', () => {
    const svg = renderStandardPlots([report('exact', 0)])['normalized-precision.svg']!;
    const xTicks = [...svg.matchAll(/text-anchor="middle" font-size="11">([^<]+)</g)].map((m) => m[1]);
    expect(xTicks).toEqual(['0.00', '0.05', '0.10', '0.15', '0.20', '0.25', '0.30', '0.35', '0.40', '0.45', '0.50']);
  });

  it('gives every series its own colour and dash from the first, so identical curves stay visible', () => {
    const styles = Array.from({ length: 12 }, (_, i) => seriesStyle(i));
    for (let i = 1; i < styles.length; i += 1) {
      for (let j = Math.max(0, i - 4); j < i; j += 1) {
        expect(styles[i]!.colour).not.toBe(styles[j]!.colour);
        expect(styles[i]!.dash).not.toBe(styles[j]!.dash);
      }
    }
    // Two identical curves: the second is drawn on top of the first, thinner and dashed.
    const svg = renderCurvePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x: [0, 1],
      series: [
        { label: 'fp32', values: [1, 0], legendValue: 0.5 },
        { label: 'islands', values: [1, 0], legendValue: 0.5 },
      ],
    });
    const lines = [
      ...svg.matchAll(
        /<polyline points="([^"]+)" fill="none" stroke="([^"]+)" stroke-width="([^"]+)"( stroke-dasharray="[^"]+")?/g,
      ),
    ];
    expect(lines).toHaveLength(2);
    expect(lines[0]![1]).toBe(lines[1]![1]);
    expect(lines[0]![4]).toBeUndefined();
    expect(lines[1]![4]).toBeDefined();
    expect(Number(lines[1]![3])).toBeLessThan(Number(lines[0]![3]));
  });

  it('puts the legend right of the plot area, off the data', () => {
    const svg = renderStandardPlots([report('exact', 0), report('shifted', 5)])['success.svg']!;
    const frame = /<rect x="64" y="40" width="(\d+)" height="(\d+)" fill="none" stroke="black"\/>/.exec(svg)!;
    const legend = /<rect x="(\d+)" y="40" width="\d+" height="\d+" fill="white" stroke="#999"\/>/.exec(svg)!;
    expect(Number(legend[1])).toBeGreaterThan(64 + Number(frame[1]));
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
