import { type ExpectedKind, parseError, type TrtexecFileKind, TrtexecParseError, wrongKindError } from './errors.js';

/** Drops a leading UTF-8 byte-order mark (an editor's, never trtexec's); JSON allows ignoring it (RFC 8259 §8.1). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The empty-file error every parser gives for blank input. */
export function emptyFileError(expected: ExpectedKind): TrtexecParseError {
  return new TrtexecParseError('FILE_EMPTY', 'the file is empty', {
    expected,
    found: 'an empty file',
    remedy:
      'trtexec creates export files before it writes them: an empty file means the run failed or was killed first. Rerun it and check its log.',
  });
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Number of lines, not counting a final newline's empty remainder. */
export function lineCount(text: string): number {
  return lineAt(text, text.replace(/\s+$/, '').length);
}

/**
 * Where JSON.parse gave up: V8 reports a position for most errors, and "end of JSON input" for an early end.
 * `truncated` when it gave up at the end of the text: the document stops before it is complete.
 */
function jsonErrorAt(text: string, error: Error): { line?: number; truncated: boolean } {
  const end = text.trimEnd().length;
  const at = /at position (\d+)/.exec(error.message);
  if (at) return { line: lineAt(text, Number(at[1])), truncated: Number(at[1]) >= end };
  if (/end of JSON input|Unterminated string/i.test(error.message)) return { line: lineCount(text), truncated: true };
  return { truncated: false };
}

/**
 * What kind of trtexec JSON a parsed document is, from its shape: `{ "Layers": ... }` is layer information,
 * `[{ "count" }, ...]` a profile, `[{ "startEnqMs", ... }]` a timing trace, `[{ "name", "dimensions", "values" }]`
 * exported outputs. Undefined for anything else (including an empty array, which could be a trace or outputs).
 */
export function jsonKindOf(data: unknown): TrtexecFileKind | undefined {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    return 'Layers' in data ? 'layers' : undefined;
  }
  if (!Array.isArray(data) || data.length === 0) return undefined;
  const first = data[0] as Record<string, unknown> | null;
  if (typeof first !== 'object' || first === null) return undefined;
  if ('count' in first) return 'profile';
  if ('startEnqMs' in first || 'latencyMs' in first) return 'times';
  if ('dimensions' in first && 'values' in first) return 'output';
  return undefined;
}

/** Throws a wrong-kind error when parsed JSON is recognisably another trtexec export than the one expected. */
export function assertJsonKind(data: unknown, expected: TrtexecFileKind): void {
  const found = jsonKindOf(data);
  if (found !== undefined && found !== expected) throw wrongKindError(expected, found);
}

/**
 * Parses JSON as trtexec writes it. trtexec streams floats with C++ iostreams, so a value can be `nan`, `-nan`,
 * `inf` or `-inf`; these become NaN/Infinity. Raw control characters (TensorRT's metadata separators U+001E and
 * U+001F) inside strings are escaped first, since strict JSON forbids them. Errors name the line.
 */
export function parseTrtJson(input: string, expected: TrtexecFileKind): unknown {
  const text = stripBom(input);
  if (text.trim().length === 0) throw emptyFileError(expected);
  try {
    return JSON.parse(text);
  } catch {
    // Fall through to the tolerant path below.
  }
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '');
        i++;
      } else if (c === '"') {
        inString = false;
        out += c;
      } else if (c < ' ') {
        // Six characters replace one; lines stay put because only in-string characters are rewritten.
        out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      } else {
        out += c;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const special = /^-?(nan|inf)(inity)?\b/i.exec(text.slice(i, i + 10));
    if (special) {
      const token = special[0];
      const value = /nan/i.test(token) ? '"__NaN__"' : token.startsWith('-') ? '"__-Inf__"' : '"__Inf__"';
      out += value;
      i += token.length - 1;
      continue;
    }
    out += c;
  }
  try {
    return JSON.parse(out, (_key, value) =>
      value === '__NaN__' ? Number.NaN : value === '__Inf__' ? Infinity : value === '__-Inf__' ? -Infinity : value,
    );
  } catch (error) {
    const at = jsonErrorAt(out, error as Error);
    const problem = at.truncated
      ? `the file ends before the JSON does: it is truncated (${(error as Error).message})`
      : `invalid JSON (${(error as Error).message})`;
    throw parseError(expected, problem, at.line);
  }
}

/** Reads a finite-or-special number field, or throws a parse error naming it. */
export function numberField(
  record: Record<string, unknown>,
  key: string,
  expected: TrtexecFileKind,
  index: number,
): number {
  const value = record[key];
  if (typeof value !== 'number') throw parseError(expected, `entry ${index} has no numeric "${key}"`);
  return value;
}

/** A log split into lines with trtexec's `[date] [I] [TRT] ` prefixes removed, keeping 1-based line numbers. */
export interface LogLine {
  /** 1-based line number in the file. */
  n: number;
  raw: string;
  /** The severity letter of the `[I]`/`[W]`/... prefix, if any. */
  severity?: string;
  /** The text after the prefixes, trimmed. */
  text: string;
}

// Only these bracketed tokens are prefixes: message text can start with brackets too ("[6] creator && ...").
const PREFIX = /^(?:(?:\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]|\[[VIWEF]\]|\[TRT\])\s*)*/;

/** Splits a trtexec log into lines, removing the `[11/27/2026-02:08:07] [I] [TRT] ` prefixes. */
export function logLines(input: string): LogLine[] {
  return stripBom(input)
    .split(/\r?\n/)
    .map((raw, i) => {
      const prefix = PREFIX.exec(raw)![0];
      const sev = /\[([VIWEF])\]/.exec(prefix)?.[1];
      const line: LogLine = { n: i + 1, raw, text: raw.slice(prefix.length).trim() };
      if (sev) line.severity = sev;
      return line;
    });
}
