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

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
/** Rough advance width of a character at the 11-12px font sizes used here; SVG has no text measuring. */
const CHAR_WIDTH = 7;
const PLOT_WIDTH = 560;
const VALUE_MARGIN = 90;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 14;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A "nice" axis maximum and tick step (1, 2 or 5 times a power of ten) covering `max`. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  return { top: Math.ceil(max / step) * step, step };
}

function formatTick(value: number): string {
  return Number(value.toPrecision(6)).toString();
}

/**
 * Renders a horizontal grouped bar chart as a standalone SVG document (no scripts, no external resources):
 * one block per group, one bar per series with an optional whisker, a labelled value axis and a legend.
 */
export function renderBarChart(spec: BarChartSpec): string {
  const unit = spec.unit ?? 'ms';
  const series = spec.series ?? [...new Set(spec.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const colour = (name: string) => PALETTE[Math.max(0, series.indexOf(name)) % PALETTE.length]!;
  const max = Math.max(0, ...spec.groups.flatMap((g) => g.bars.map((b) => Math.max(b.value, b.high ?? 0))));
  const { top, step } = niceScale(max);
  const LABEL_WIDTH = Math.max(100, 16 + CHAR_WIDTH * Math.max(0, ...spec.groups.map((g) => g.label.length)));
  const x = (value: number) => LABEL_WIDTH + (Math.max(0, value) / top) * PLOT_WIDTH;

  // Legend entries flow left to right across the plot width, wrapping to a new line when full.
  const legendTop = 36;
  const legend: string[] = [];
  let lx = LABEL_WIDTH;
  let ly = legendTop;
  for (const name of series) {
    const entryWidth = 28 + CHAR_WIDTH * name.length;
    if (lx > LABEL_WIDTH && lx + entryWidth > LABEL_WIDTH + PLOT_WIDTH) {
      lx = LABEL_WIDTH;
      ly += 18;
    }
    legend.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colour(name)}"/><text x="${lx + 16}" y="${ly + 10}" class="tick">${escapeXml(name)}</text>`,
    );
    lx += entryWidth;
  }
  const plotTop = ly + 28;
  const parts: string[] = [];
  let y = plotTop;
  for (const group of spec.groups) {
    const groupHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    const labelClass = group.emphasis ? `group ${group.emphasis}` : 'group';
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end" class="${labelClass}">${escapeXml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const mid = y + BAR_HEIGHT / 2;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${(x(bar.value) - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour(bar.series)}"><title>${escapeXml(`${group.label} ${bar.series}: ${formatTick(bar.value)} ${unit}`)}</title></rect>`,
      );
      if (bar.low !== undefined && bar.high !== undefined) {
        const [x1, x2] = [x(bar.low).toFixed(1), x(bar.high).toFixed(1)];
        parts.push(
          `<path d="M${x1} ${mid}H${x2}M${x1} ${mid - 4}V${mid + 4}M${x2} ${mid - 4}V${mid + 4}" class="whisker"/>`,
        );
      }
      const textX = Math.max(x(bar.value), bar.high === undefined ? 0 : x(bar.high)) + 4;
      const text = bar.label ?? `${formatTick(Number(bar.value.toPrecision(3)))} ${unit}`;
      parts.push(`<text x="${textX.toFixed(1)}" y="${mid + 4}" class="value">${escapeXml(text)}</text>`);
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  const plotBottom = y - GROUP_GAP + 6;

  const axis: string[] = [
    `<path d="M${LABEL_WIDTH} ${plotTop - 4}V${plotBottom}H${LABEL_WIDTH + PLOT_WIDTH}" class="axis"/>`,
  ];
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    const tx = x(tick).toFixed(1);
    axis.push(`<path d="M${tx} ${plotTop - 4}V${plotBottom}" class="grid"/>`);
    axis.push(`<text x="${tx}" y="${plotBottom + 14}" text-anchor="middle" class="tick">${formatTick(tick)}</text>`);
  }
  axis.push(
    `<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${plotBottom + 32}" text-anchor="middle" class="tick">${escapeXml(spec.axisLabel)}</text>`,
  );

  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_MARGIN;
  const height = plotBottom + 44;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.group{font-size:12px;fill:#222}.value,.tick{font-size:11px;fill:#444}.axis{stroke:#444;fill:none}.grid{stroke:#ddd}.whisker{stroke:#222;stroke-width:1.2;fill:none}.bad{fill:#c0392b;font-weight:bold}.good{fill:#1e8449}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" fill="#111">${escapeXml(spec.title)}</text>`,
    ...axis,
    ...legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
