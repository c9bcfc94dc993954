import { ToolkitError } from '@tamkit/common';
import type { BoxSeries } from './boxes.js';

/** Where a text came from, for error messages. */
export interface TextSource {
  /** A file path or another name the user recognises. */
  source: string;
}

const SEPARATORS = /[\s,]+/;

function parseNumber(token: string): number {
  const value = Number(token);
  if (!Number.isNaN(value)) return value;
  // Trackers write NaN for "lost"; MATLAB and numpy also write inf. Anything else is not a number.
  const lower = token.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(token);
}

function isSeparator(code: number): boolean {
  // ',' '\t' ' ' '\r'
  return code === 44 || code === 9 || code === 32 || code === 13;
}

function malformedLine(source: string, lineNumber: number, line: string, found: number): ToolkitError {
  return new ToolkitError(
    'BOX_FILE_MALFORMED',
    `${source}:${lineNumber}: expected 4 numbers x,y,w,h, found ${found} ("${line.trim().slice(0, 60)}").`,
    { remedy: 'Write one box per frame as four numbers separated by commas, tabs or spaces.' },
  );
}

/**
 * Parses box text: one `x,y,w,h` line per frame, separated by commas, tabs or spaces (LaSOT ground truth uses
 * commas, many trackers write tabs). Blank lines are ignored only at the end of the file, since a blank line in
 * the middle would shift every later frame. `nan` and `inf` tokens are kept as such: the scoring conventions
 * decide what they mean. A hand-rolled scanner, since a LaSOT scoring run parses 1.4 million lines.
 */
export function parseBoxText(text: string, { source }: TextSource): BoxSeries {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const series = new Float64Array(lines.length * 4);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let found = 0;
    let pos = 0;
    while (pos < line.length) {
      while (pos < line.length && isSeparator(line.charCodeAt(pos))) pos++;
      if (pos >= line.length) break;
      const start = pos;
      while (pos < line.length && !isSeparator(line.charCodeAt(pos))) pos++;
      if (found === 4) throw malformedLine(source, i + 1, line, line.trim().split(SEPARATORS).length);
      const token = line.slice(start, pos);
      try {
        series[i * 4 + found] = parseNumber(token);
      } catch {
        throw new ToolkitError('BOX_FILE_MALFORMED', `${source}:${i + 1}: "${token}" is not a number.`, {
          remedy: 'Boxes hold decimal numbers; write nan for a frame without a prediction.',
        });
      }
      found++;
    }
    if (found !== 4) throw malformedLine(source, i + 1, line, found);
  }
  return series;
}

/** Formats boxes as LaSOT text: one `x,y,w,h` line per frame, comma separated, newline terminated. */
export function formatBoxText(series: BoxSeries): string {
  const lines: string[] = [];
  for (let o = 0; o < series.length; o += 4) {
    lines.push(`${fmt(series[o]!)},${fmt(series[o + 1]!)},${fmt(series[o + 2]!)},${fmt(series[o + 3]!)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function fmt(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  // Four decimals is sub-pixel; integers stay integers so ground truth round-trips byte for byte.
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
}

/**
 * Parses a LaSOT per-frame flag file (`full_occlusion.txt`, `out_of_view.txt`): 0/1 values separated by commas
 * (the official files hold one row) or whitespace.
 */
export function parseFlagText(text: string, { source }: TextSource): Uint8Array {
  const trimmed = text.trim();
  if (trimmed === '') return new Uint8Array(0);
  const tokens = trimmed.split(SEPARATORS);
  const flags = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token !== '0' && token !== '1') {
      throw new ToolkitError('FLAG_FILE_MALFORMED', `${source}: value ${i + 1} is "${token}", expected 0 or 1.`, {
        remedy: 'Flag files hold one 0/1 value per frame, comma separated.',
      });
    }
    flags[i] = token === '1' ? 1 : 0;
  }
  return flags;
}

/** Formats per-frame flags as one comma-separated row, as LaSOT ships them. */
export function formatFlagText(flags: ArrayLike<number>): string {
  return `${Array.from(flags, (f) => (f ? '1' : '0')).join(',')}\n`;
}
