/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/** A column group spanning `span` columns, printed as an extra header line above the column names. */
export interface ColumnGroup {
  title: string;
  span: number;
}

/** Options of `renderTextTable`. */
export interface TextTableOptions {
  /** Alignment per column; default: first column left, the others right. */
  align?: Align[];
  /** Optional group header line (e.g. one stack name over its p50/p90/cv columns). */
  groups?: ColumnGroup[];
}

const GAP = '  ';

/** Renders rows as a plain-text table with aligned columns and a rule under the header. */
export function renderTextTable(header: string[], rows: string[][], options: TextTableOptions = {}): string {
  const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => (row[col] ?? '').length)));
  const align = (col: number): Align => options.align?.[col] ?? (col === 0 ? 'left' : 'right');
  const cell = (text: string, col: number): string =>
    align(col) === 'left' ? text.padEnd(widths[col]!) : text.padStart(widths[col]!);
  const line = (cells: string[]): string =>
    header
      .map((_, col) => cell(cells[col] ?? '', col))
      .join(GAP)
      .trimEnd();

  const lines: string[] = [];
  if (options.groups) lines.push(groupLine(options.groups, widths));
  lines.push(line(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join(GAP));
  for (const row of rows) lines.push(line(row));
  return `${lines.join('\n')}\n`;
}

/** Centres each group title over the columns it spans (widening the last column if a title is too long). */
function groupLine(groups: ColumnGroup[], widths: number[]): string {
  const parts: string[] = [];
  let col = 0;
  for (const group of groups) {
    const spanned = widths.slice(col, col + group.span);
    let width = spanned.reduce((sum, w) => sum + w, 0) + GAP.length * Math.max(0, spanned.length - 1);
    if (group.title.length > width && spanned.length > 0) {
      widths[col + spanned.length - 1]! += group.title.length - width;
      width = group.title.length;
    }
    const left = Math.floor((width - group.title.length) / 2);
    parts.push(' '.repeat(left) + group.title + ' '.repeat(width - group.title.length - left));
    col += group.span;
  }
  return parts.join(GAP).trimEnd();
}
