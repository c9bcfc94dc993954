import { ToolkitError } from '@tamkit/common';

/** A parser's complaint about its input: what it expected, where. Never a crash. */
export function parseError(what: string, message: string): ToolkitError {
  return new ToolkitError('PARSE_FAILED', `Cannot parse ${what}: ${message}`, {
    remedy:
      'Check that the file is complete (a run that crashed or was killed leaves a truncated file) and that it is the right kind of file.',
  });
}

/**
 * Parses JSON as trtexec writes it. trtexec streams floats with C++ iostreams, so a value can be `nan`, `-nan`,
 * `inf` or `-inf`; these become NaN/Infinity. Raw control characters (TensorRT's metadata separators U+001E and
 * U+001F) inside strings are escaped first, since strict JSON forbids them.
 */
export function parseTrtJson(text: string, what: string): unknown {
  if (text.trim().length === 0) throw parseError(what, 'the file is empty');
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
    throw parseError(what, `invalid JSON (${(error as Error).message}); the file may be truncated`);
  }
}

/** Reads a finite-or-special number field, or throws a parse error naming it. */
export function numberField(record: Record<string, unknown>, key: string, what: string, index: number): number {
  const value = record[key];
  if (typeof value !== 'number') throw parseError(what, `entry ${index} has no numeric "${key}"`);
  return value;
}
