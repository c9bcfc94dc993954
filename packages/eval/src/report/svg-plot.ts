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
  /** Where the legend goes: the corner the curves leave free. */
  legend: 'top-right' | 'bottom-right' | 'top-left' | 'bottom-left';
}

const WIDTH = 560;
const HEIGHT = 440;
const MARGIN = { left: 64, right: 20, top: 40, bottom: 56 };
// Colour-blind-safe palette (Okabe-Ito); dashes tell lines apart beyond it and in greyscale print.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const DASHES = ['', '8 4', '2 3', '10 3 2 3'];

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

function ticks(min: number, max: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 1 : 0).replace(/^0\./, '0.');
}

/**
 * Renders a success or precision plot as a standalone SVG: axes with ticks and grid, one line per series
 * (sorted best first, as the LaSOT toolkit ranks them), and a legend "[value] label".
 */
export function renderCurvePlot(plot: CurvePlot): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xMin = plot.x[0] ?? 0;
  const xMax = plot.x[plot.x.length - 1] ?? 1;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - y) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="${titleFontSize(plot.title)}" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ];
  for (const t of ticks(xMin, xMax, 10)) {
    const x = sx(t).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#ddd" stroke-dasharray="2 2"/>`,
    );
    out.push(
      `<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="11">${formatTick(t)}</text>`,
    );
  }
  for (const t of ticks(0, 1, 10)) {
    const y = sy(t).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#ddd" stroke-dasharray="2 2"/>`,
    );
    out.push(
      `<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${t.toFixed(1)}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="black"/>`,
  );
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle" font-size="13">${escapeXml(plot.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(plot.yLabel)}</text>`,
  );
  const ranked = [...plot.series].sort((a, b) => b.legendValue - a.legendValue);
  ranked.forEach((series, i) => {
    const points = series.values
      .map((v, k) => (Number.isFinite(v) ? `${sx(plot.x[k]!).toFixed(1)},${sy(v).toFixed(1)}` : undefined))
      .filter((p) => p !== undefined)
      .join(' ');
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length];
    out.push(
      `<polyline points="${points}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
  });
  const lineHeight = 18;
  // About 7 px per character at 12 px; never wider than the plot.
  const longest = Math.max(...ranked.map((series) => series.label.length + 8));
  const legendW = Math.min(plotW - 16, 50 + longest * 7);
  const legendH = ranked.length * lineHeight + 10;
  const right = plot.legend.endsWith('right');
  const top = plot.legend.startsWith('top');
  const lx = right ? MARGIN.left + plotW - legendW - 8 : MARGIN.left + 8;
  const ly = top ? MARGIN.top + 8 : MARGIN.top + plotH - legendH - 8;
  out.push(
    `<rect x="${lx}" y="${ly}" width="${legendW}" height="${legendH}" fill="white" fill-opacity="0.9" stroke="#999"/>`,
  );
  ranked.forEach((series, i) => {
    const y = ly + 14 + i * lineHeight;
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length];
    out.push(
      `<line x1="${lx + 8}" y1="${y}" x2="${lx + 36}" y2="${y}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    const value = Number.isFinite(series.legendValue) ? series.legendValue.toFixed(3) : 'n/a';
    out.push(
      `<text x="${lx + 42}" y="${y}" dominant-baseline="middle" font-size="12">[${value}] ${escapeXml(series.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Shrinks long titles to fit the plot width (bold sans-serif runs about 0.62 em per character). */
function titleFontSize(title: string): number {
  return Math.max(9, Math.min(16, Math.floor((WIDTH - 24) / (0.62 * title.length))));
}
