import { escapeMarkdown as md } from '@tamkit/common';
import type { LasotScoreReport } from './score-report.js';

function pct(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'n/a' : (value * 100).toFixed(1);
}

/** A markdown table; cells are markup, so text from reports (labels, names) is escaped where it is inserted. */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Options of `renderMarkdownSummary`. */
export interface MarkdownSummaryOptions {
  /** Heading of the summary. Default `LaSOT results`. */
  title?: string;
  /** Plot files to embed, relative to the markdown file. */
  plots?: readonly string[];
  /** Sentences shown under the heading (caveats the reader must see). */
  notes?: readonly string[];
}

/**
 * A markdown summary of one or more score reports: the ranking table (AUC, precision, normalized precision,
 * mIoU, in percent), per-attribute AUC, the dropped or missing sequences, and the plots.
 */
export function renderMarkdownSummary(
  reports: readonly LasotScoreReport[],
  options: MarkdownSummaryOptions = {},
): string {
  const ranked = [...reports].sort((a, b) => b.auc - a.auc);
  const parts: string[] = [`# ${md(options.title ?? 'LaSOT results')}`, ''];
  for (const note of options.notes ?? []) parts.push(`> ${md(note)}`, '');
  parts.push(
    'Scores in percent. AUC: area under the success curve (21 overlap thresholds); P: precision at 20 px; ' +
      'P_norm: normalized precision at 0.20; mIoU: mean IoU over frames with a valid, present target.',
    '',
    table(
      ['tracker', 'convention', 'sequences', 'AUC', 'P', 'P_norm', 'mIoU'],
      ranked.map((r) => [
        md(r.label),
        md(r.convention),
        String(r.sequences),
        pct(r.auc),
        pct(r.precision),
        pct(r.normalizedPrecision),
        pct(r.miou),
      ]),
    ),
    '',
  );
  const attributes = [...new Set(ranked.flatMap((r) => r.attributes.map((a) => a.attribute)))];
  if (attributes.length > 0) {
    parts.push('## AUC per attribute', '');
    parts.push(
      table(
        ['attribute', ...ranked.map((r) => md(r.label))],
        attributes.map((name) => [
          md(name),
          ...ranked.map((r) => {
            const a = r.attributes.find((x) => x.attribute === name);
            return a ? `${pct(a.auc)} (${a.sequences})` : '-';
          }),
        ]),
      ),
      '',
    );
  }
  for (const r of ranked) {
    const dropped = [...new Set([...r.dropped.success, ...r.dropped.precision, ...r.dropped.normalizedPrecision])];
    if (dropped.length > 0) {
      parts.push(
        `- ${md(r.label)}: ${dropped.length} sequence(s) with an all-zero curve left out of an average, as the toolkit does: ${md(dropped.join(', '))}.`,
      );
    }
    if (r.missing.length > 0)
      parts.push(`- ${md(r.label)}: no result for ${r.missing.length} sequence(s): ${md(r.missing.join(', '))}.`);
  }
  if (parts[parts.length - 1]!.startsWith('- ')) parts.push('');
  if (options.plots && options.plots.length > 0) {
    parts.push('## Plots', '', ...options.plots.map((p) => `![${md(p)}](${encodeURI(p)})`), '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
