import { scaleLinear } from 'd3-scale';
import { escapeXml, textWidth } from './svg-text.js';

/** One bar: `value` is drawn as the bar, `low`..`high` as a whisker (both optional). */
export interface ChartBar {
  series: string;
  value: number;
  low?: number;
  high?: number;
  /** Text after the bar; default the value with its unit. */
  label?: string;
}

/** A group of bars sharing one label (a module, or a pipeline's frame). */
export interface ChartGroup {
  label: string;
  bars: ChartBar[];
  /** Colours the label: "bad" red (a regression), "good" green (an improvement). */
  emphasis?: 'bad' | 'good';
}

/** Options of `renderBarChart`. */
export interface BarChartSpec {
  title: string;
  /** Axis caption, e.g. "latency, ms (bar: p50, whisker: min..p90)". */
  axisLabel: string;
  groups: ChartGroup[];
  /** Series order for bars and legend; default: first-seen order. */
  series?: string[];
  /** Unit appended to value labels. Default "ms". */
  unit?: string;
}

/** Okabe-Ito colour-blind-safe palette. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];
const PLOT_WIDTH = 560;
const VALUE_MARGIN = 110;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
/** Room under a group for its own axis and tick labels. */
const AXIS_HEIGHT = 26;
const GROUP_GAP = 12;

function formatValue(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/**
 * Renders a horizontal grouped bar chart as a standalone SVG document (no scripts, no external resources): one
 * block per group with its own value axis (d3-scale's round ticks), so a 5 ms module reads as well as a 150 ms one
 * beside it, one bar per series with an optional whisker, and a legend.
 */
export function renderBarChart(spec: BarChartSpec): string {
  const unit = spec.unit ?? 'ms';
  const series = spec.series ?? [...new Set(spec.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const colour = (name: string) => PALETTE[Math.max(0, series.indexOf(name)) % PALETTE.length]!;
  const labelWidth = Math.max(100, 20 + Math.max(0, ...spec.groups.map((g) => textWidth(g.label, 12, true))));

  // Legend entries flow left to right across the plot width, wrapping to a new line when full.
  const legend: string[] = [];
  let lx = labelWidth;
  let ly = 36;
  for (const name of series) {
    const entryWidth = 30 + textWidth(name, 11);
    if (lx > labelWidth && lx + entryWidth > labelWidth + PLOT_WIDTH) {
      lx = labelWidth;
      ly += 18;
    }
    legend.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colour(name)}"/><text x="${lx + 16}" y="${ly + 10}" class="tick">${escapeXml(name)}</text>`,
    );
    lx += entryWidth;
  }
  const parts: string[] = [];
  let y = ly + 30;
  for (const group of spec.groups) {
    const max = Math.max(0, ...group.bars.map((b) => Math.max(b.value, b.high ?? 0)));
    const x = scaleLinear()
      .domain([0, max > 0 ? max : 1])
      .nice(5)
      .range([labelWidth, labelWidth + PLOT_WIDTH]);
    const barsHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    const labelClass = group.emphasis ? `group ${group.emphasis}` : 'group';
    const axisY = y + barsHeight + 4;
    for (const tick of x.ticks(5)) {
      const tx = x(tick).toFixed(1);
      parts.push(`<path d="M${tx} ${y - 3}V${axisY}" class="grid"/>`);
      parts.push(`<text x="${tx}" y="${axisY + 13}" text-anchor="middle" class="tick">${x.tickFormat(5)(tick)}</text>`);
    }
    parts.push(`<path d="M${labelWidth} ${y - 3}V${axisY}H${labelWidth + PLOT_WIDTH}" class="axis"/>`);
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + barsHeight / 2 + 4}" text-anchor="end" class="${labelClass}">${escapeXml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const mid = y + BAR_HEIGHT / 2;
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${(x(Math.max(0, bar.value)) - labelWidth).toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour(bar.series)}"><title>${escapeXml(`${group.label} ${bar.series}: ${formatValue(bar.value)} ${unit}`)}</title></rect>`,
      );
      if (bar.low !== undefined && bar.high !== undefined) {
        const [x1, x2] = [x(bar.low).toFixed(1), x(bar.high).toFixed(1)];
        parts.push(
          `<path d="M${x1} ${mid}H${x2}M${x1} ${mid - 4}V${mid + 4}M${x2} ${mid - 4}V${mid + 4}" class="whisker"/>`,
        );
      }
      const textX = Math.max(x(bar.value), bar.high === undefined ? 0 : x(bar.high)) + 5;
      const text = bar.label ?? `${formatValue(bar.value)} ${unit}`;
      parts.push(`<text x="${textX.toFixed(1)}" y="${mid + 4}" class="value">${escapeXml(text)}</text>`);
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += AXIS_HEIGHT - BAR_GAP + GROUP_GAP;
  }
  const captionY = y + 4;
  const width = labelWidth + PLOT_WIDTH + VALUE_MARGIN;
  const height = captionY + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    '<style>.group{font-size:12px;fill:#222;font-weight:bold}.value,.tick{font-size:11px;fill:#444}.axis{stroke:#444;fill:none}.grid{stroke:#e3e3e3}.whisker{stroke:#222;stroke-width:1.2;fill:none}.bad{fill:#c0392b}.good{fill:#1e8449}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" fill="#111">${escapeXml(spec.title)}</text>`,
    ...legend,
    ...parts,
    `<text x="${labelWidth + PLOT_WIDTH / 2}" y="${captionY}" text-anchor="middle" class="tick">${escapeXml(`${spec.axisLabel}; each group on its own axis`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
