import { scaleLinear } from 'd3-scale';
import type { ComparisonRow, ReportComparison, Verdict } from './compare.js';
import { formatCompared, quantileName } from './console-table.js';
import { formatMs, formatPercent } from './labels.js';
import { escapeXml, textWidth } from './svg-text.js';

/** Colour of each verdict's marks and label; the drift and minimum-effect bands are drawn in their own greys. */
const VERDICT_COLOUR: Record<Verdict, string> = {
  regression: '#c0392b',
  improvement: '#1e8449',
  unchanged: '#2c6fbb',
  'too-noisy': '#d68910',
  control: '#7d3c98',
  missing: '#777',
  added: '#777',
};
const PLOT_WIDTH = 520;
const ROW_HEIGHT = 30;
/** Changes beyond this are drawn clipped, with an arrow: a +1900% interval end would squash every other row. */
const MAX_CHANGE = 2;
const MIN_CHANGE = -0.75;
/** About this many ticks on the change axis (d3 picks round steps near it). */
const TICKS = 6;

/** "+20%" / "-20%" for a change of the compared quantile. */
function changeTick(scale: ReturnType<typeof scaleLinear<number, number>>): (value: number) => string {
  const format = scale.tickFormat(TICKS, '+%');
  return (value) => (value === 0 ? '0%' : format(value));
}

/**
 * The comparison as a ratio chart, one row per judged pair, so that a 5 ms module reads as well as a 150 ms one:
 * the change of the compared quantile (dot), its interval (thick bar) and the interval widened by the controls'
 * drift (thin line), coloured by verdict; behind them the band of changes below the minimum effect and the band
 * of drift the controls measured. Titled with the two runs' names.
 */
export function comparisonChart(comparison: ReportComparison, title?: string): string {
  const names = `${sideName(comparison.baseline, 'baseline')} → ${sideName(comparison.current, 'current')}`;
  const heading = title ?? `bench compare: ${names}`;
  const rows = comparison.rows.filter((r) => r.interval);
  const others = comparison.rows.filter((r) => !r.interval);
  const changes = rows.flatMap((r) => [r.judged?.low ?? r.interval!.low, r.judged?.high ?? r.interval!.high]);
  const m = comparison.threshold;
  const drift = comparison.drift.drift ?? 0;
  const extent = [
    Math.max(MIN_CHANGE, Math.min(-m * 2, -drift, ...changes.map((c) => c - 1))),
    Math.min(MAX_CHANGE, Math.max(m * 2, drift, ...changes.map((c) => c - 1))),
  ];
  const labelWidth = Math.max(120, 24 + Math.max(...comparison.rows.map((r) => textWidth(r.key, 12))));
  const x = scaleLinear()
    .domain(extent)
    .nice(TICKS)
    .range([labelWidth, labelWidth + PLOT_WIDTH])
    .clamp(true);
  const [lo, hi] = x.domain() as [number, number];
  const tick = changeTick(x);
  const top = 84;
  const plotBottom = top + Math.max(1, rows.length) * ROW_HEIGHT;
  const detailWidth = Math.max(
    180,
    ...rows.map((r) => textWidth(rowDetail(r), 11)),
    ...others.map((r) => textWidth(`${r.key}: ${r.verdict}`, 11)),
  );
  const width = labelWidth + PLOT_WIDTH + 16 + detailWidth + 12;
  const height = plotBottom + 62 + others.length * 16;
  const parts: string[] = [];

  // Bands first, so the marks lie on top: minimum effect (no change that small counts), then the drift.
  const band = (from: number, to: number, cls: string) =>
    `<rect x="${x(from).toFixed(1)}" y="${top}" width="${(x(to) - x(from)).toFixed(1)}" height="${plotBottom - top}" class="${cls}"/>`;
  if (drift > 0) parts.push(band(1 / (1 + drift) - 1, drift, 'drift'));
  parts.push(band(1 / (1 + m) - 1, m, 'effect'));
  for (const value of x.ticks(TICKS)) {
    const px = x(value).toFixed(1);
    parts.push(`<path d="M${px} ${top}V${plotBottom}" class="${value === 0 ? 'zero' : 'grid'}"/>`);
    parts.push(`<text x="${px}" y="${plotBottom + 15}" text-anchor="middle" class="tick">${tick(value)}</text>`);
  }
  parts.push(`<path d="M${labelWidth} ${plotBottom}H${labelWidth + PLOT_WIDTH}" class="axis"/>`);
  parts.push(
    `<text x="${labelWidth + PLOT_WIDTH / 2}" y="${plotBottom + 33}" text-anchor="middle" class="tick">` +
      `change of the ${quantileName(comparison.quantile)} latency, current vs baseline</text>`,
  );

  rows.forEach((row, i) => {
    const y = top + i * ROW_HEIGHT + ROW_HEIGHT / 2;
    const colour = VERDICT_COLOUR[row.verdict];
    const interval = row.interval!;
    const judged = row.judged ?? interval;
    const at = (ratio: number) => x(ratio - 1).toFixed(1);
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + 4}" text-anchor="end" class="label">${escapeXml(row.key)}</text>`,
      `<path d="M${at(judged.low)} ${y}H${at(judged.high)}" stroke="${colour}" class="widened"/>`,
      `<rect x="${at(interval.low)}" y="${y - 4}" width="${Math.max(1, x(interval.high - 1) - x(interval.low - 1)).toFixed(1)}" height="8" fill="${colour}" fill-opacity="0.45"/>`,
      `<circle cx="${at(interval.ratio)}" cy="${y}" r="4.5" fill="${colour}"><title>${escapeXml(`${row.key}: ${formatCompared(row)}, ${row.reason ?? row.verdict}`)}</title></circle>`,
    );
    for (const [end, side] of [
      [judged.low - 1, -1],
      [judged.high - 1, 1],
    ] as const) {
      if (end < lo || end > hi) {
        const tip = side < 0 ? labelWidth : labelWidth + PLOT_WIDTH;
        parts.push(`<path d="M${tip} ${y}l${-side * 7} -4v8z" fill="${colour}"/>`);
      }
    }
    parts.push(
      `<text x="${labelWidth + PLOT_WIDTH + 16}" y="${y + 4}" class="detail" fill="${colour}">${escapeXml(rowDetail(row))}</text>`,
    );
  });
  others.forEach((row, i) => {
    parts.push(
      `<text x="${labelWidth - 10}" y="${plotBottom + 52 + i * 16}" text-anchor="end" class="detail">${escapeXml(`${row.key}: ${row.reason ?? row.verdict}`)}</text>`,
    );
  });

  const legend = [
    `<rect x="${labelWidth}" y="44" width="18" height="10" class="effect"/><text x="${labelWidth + 24}" y="53" class="tick">below the ${formatPercent(m)} minimum effect</text>`,
    ...(drift > 0
      ? [
          `<rect x="${labelWidth + 210}" y="44" width="18" height="10" class="drift"/><text x="${labelWidth + 234}" y="53" class="tick">drift the controls show (${formatPercent(drift)})</text>`,
        ]
      : []),
    `<circle cx="${labelWidth + 9}" cy="67" r="4" fill="#555"/><rect x="${labelWidth + 20}" y="63" width="26" height="8" fill="#555" fill-opacity="0.45"/><path d="M${labelWidth + 50} 67h26" stroke="#555" class="widened"/><text x="${labelWidth + 82}" y="71" class="tick">change, ${Math.round(comparison.confidence * 100)}% interval, widened by the drift</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    '<style>.label{font-size:12px;fill:#222}.tick,.detail{font-size:11px;fill:#444}.axis{stroke:#444;fill:none}.grid{stroke:#e3e3e3}.zero{stroke:#444;stroke-dasharray:3 3}.effect{fill:#d5d8dc;fill-opacity:0.75}.drift{fill:#f5cba7;fill-opacity:0.6}.widened{stroke-width:1.6;fill:none}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" fill="#111">${escapeXml(heading)}</text>`,
    ...legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function sideName(side: { label?: string; name?: string }, fallback: string): string {
  return side.label ?? side.name ?? fallback;
}

/** "regression, +51.5%; p50 27.8 → 56.8 ms": the verdict, the change and the medians, right of the plot. */
function rowDetail(row: ComparisonRow): string {
  const medians =
    row.baseline && row.current ? `; p50 ${formatMs(row.baseline.p50Ms)} → ${formatMs(row.current.p50Ms)} ms` : '';
  return `${row.verdict.replace('-', ' ')}, ${formatCompared(row)}${medians}`;
}
