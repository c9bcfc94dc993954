import { escapeXml, textWidth } from '@tamkit/bench';
import { scaleLinear } from 'd3-scale';

/** One line of a plot: a tracker's curve and the value shown in its legend entry. */
export interface PlotSeries {
  label: string;
  /** y values, one per x threshold. */
  values: readonly number[];
  /** The number in the legend (AUC or the value at the reported threshold). */
  legendValue: number;
}

/** What a curve plot shows. */
export interface CurvePlot {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x positions of the curve points (the thresholds). */
  x: readonly number[];
  series: readonly PlotSeries[];
}

const PLOT_WIDTH = 476;
const PLOT_HEIGHT = 344;
const MARGIN = { left: 64, top: 40, bottom: 56 };
const LEGEND_GAP = 18;
// Colour-blind-safe palette (Okabe-Ito) and dash patterns, five of them against eight colours (coprime), so series
// i and j share neither colour nor dash for every j - i under 5, and the pair repeats only after 40 series.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];
const DASHES = ['', '9 4', '2 3', '10 3 2 3', '5 2'];

/** The stroke of series `i` (in legend order): its own colour and dash, and a width that lets later lines lie on
 * earlier ones visibly when two curves are identical (the first is drawn widest, underneath). */
export function seriesStyle(i: number): { colour: string; dash: string; width: number } {
  return {
    colour: COLOURS[i % COLOURS.length]!,
    dash: DASHES[i % DASHES.length]!,
    width: Math.max(1.6, 3.4 - 0.45 * i),
  };
}

function strokeAttributes(i: number): string {
  const { colour, dash, width } = seriesStyle(i);
  return `stroke="${colour}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
}

/**
 * Renders a success or precision plot as a standalone SVG: axes with d3-scale's round ticks and grid, one line
 * per series (sorted best first, as the LaSOT toolkit ranks them), each with its own colour and dash from the
 * first, and a legend "[value] label" to the right of the plot, off the data.
 */
export function renderCurvePlot(plot: CurvePlot): string {
  const xMin = plot.x[0] ?? 0;
  const xMax = plot.x[plot.x.length - 1] ?? 1;
  const x = scaleLinear()
    .domain([xMin, xMax > xMin ? xMax : xMin + 1])
    .range([MARGIN.left, MARGIN.left + PLOT_WIDTH]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([MARGIN.top + PLOT_HEIGHT, MARGIN.top]);
  const ranked = [...plot.series].sort((a, b) => b.legendValue - a.legendValue);
  const legendEntries = ranked.map((series) => {
    const value = Number.isFinite(series.legendValue) ? series.legendValue.toFixed(3) : 'n/a';
    return `[${value}] ${series.label}`;
  });
  const legendLeft = MARGIN.left + PLOT_WIDTH + LEGEND_GAP;
  const legendWidth = Math.max(120, 44 + Math.max(0, ...legendEntries.map((t) => textWidth(t, 12))));
  const width = legendLeft + legendWidth + 12;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="${titleFontSize(plot.title, width)}" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ];
  const xTickFormat = x.tickFormat(10);
  for (const t of x.ticks(10)) {
    const px = x(t).toFixed(1);
    out.push(
      `<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + PLOT_HEIGHT}" stroke="#ddd" stroke-dasharray="2 2"/>`,
      `<text x="${px}" y="${MARGIN.top + PLOT_HEIGHT + 18}" text-anchor="middle" font-size="11">${xTickFormat(t)}</text>`,
    );
  }
  const yTickFormat = y.tickFormat(10);
  for (const t of y.ticks(10)) {
    const py = y(t).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + PLOT_WIDTH}" y2="${py}" stroke="#ddd" stroke-dasharray="2 2"/>`,
      `<text x="${MARGIN.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle" font-size="11">${yTickFormat(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="black"/>`,
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${height - 14}" text-anchor="middle" font-size="13">${escapeXml(plot.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(plot.yLabel)}</text>`,
  );
  ranked.forEach((series, i) => {
    const points = series.values
      .map((v, k) => (Number.isFinite(v) ? `${x(plot.x[k]!).toFixed(1)},${y(v).toFixed(1)}` : undefined))
      .filter((p) => p !== undefined)
      .join(' ');
    out.push(`<polyline points="${points}" fill="none" ${strokeAttributes(i)}/>`);
  });
  const lineHeight = 20;
  out.push(
    `<rect x="${legendLeft}" y="${MARGIN.top}" width="${legendWidth}" height="${ranked.length * lineHeight + 10}" fill="white" stroke="#999"/>`,
  );
  ranked.forEach((_, i) => {
    const ly = MARGIN.top + 15 + i * lineHeight;
    out.push(
      `<line x1="${legendLeft + 8}" y1="${ly}" x2="${legendLeft + 36}" y2="${ly}" ${strokeAttributes(i)}/>`,
      `<text x="${legendLeft + 42}" y="${ly}" dominant-baseline="middle" font-size="12">${escapeXml(legendEntries[i]!)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Shrinks long titles to fit the picture's width (bold sans-serif runs about 0.7 em per character). */
function titleFontSize(title: string, width: number): number {
  return Math.max(9, Math.min(16, Math.floor((width - 24) / (0.7 * title.length))));
}
