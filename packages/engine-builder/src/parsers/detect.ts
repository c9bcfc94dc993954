import { emptyFileError, stripBom } from './common.js';
import {
  type ExpectedKind,
  KIND_DESCRIPTIONS,
  type TrtexecFileKind,
  TrtexecParseError,
  wrongKindError,
} from './errors.js';

/** What a piece of text is, as far as its first characters tell. */
export interface DetectedKind {
  /** The trtexec file kind, when the text is one. */
  kind?: TrtexecFileKind;
  /** A phrase for messages: "a trtexec --exportProfile JSON", "JSON that is no trtexec export", ... */
  found: string;
}

const JSON_HEADS: [RegExp, TrtexecFileKind][] = [
  [/^\{\s*"Layers"\s*:/, 'layers'],
  [/^\[\s*\{\s*"count"\s*:/, 'profile'],
  [/^\[\s*\{\s*"startEnqMs"\s*:/, 'times'],
  [/^\[\s*\{\s*"name"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"dimensions"\s*:/, 'output'],
];
const TRT_LOG = /&&&& (RUNNING|PASSED|FAILED) TensorRT\.trtexec|\[TRT\]|Computing costs for|Engine Layer Information:/;

/** True when the text has a trtexec banner or TensorRT builder lines. */
export function isTensorRtLog(text: string): boolean {
  return TRT_LOG.test(text);
}

/**
 * Tells the kind of a trtexec file from its text, without parsing it all (so a truncated file is still
 * recognised): exports by the first key of their first entry, logs by their content. A log with a performance
 * summary is a `summary` (it may also hold the build); any other TensorRT log is a `build-log`.
 */
export function detectTrtexecKind(input: string): DetectedKind {
  const text = stripBom(input).trimStart();
  if (text.length === 0) return { found: 'an empty file' };
  const head = text.slice(0, 4096);
  if (head.startsWith('{') || head.startsWith('[')) {
    const hit = JSON_HEADS.find(([re]) => re.test(head));
    return hit
      ? { kind: hit[1], found: `a ${KIND_DESCRIPTIONS[hit[1]]}` }
      : { found: 'JSON that is no trtexec export' };
  }
  if (/^=== Performance summary ===$/m.test(text.replace(/^(\[[^\]\n]*\]\s*)+/gm, ''))) {
    return { kind: 'summary', found: `a ${KIND_DESCRIPTIONS.summary}` };
  }
  if (isTensorRtLog(text)) return { kind: 'build-log', found: `a ${KIND_DESCRIPTIONS['build-log']}` };
  return { found: 'text that is not a trtexec log' };
}

/** True when the first bytes look like UTF-16 (a UTF-16 byte-order mark, or every other byte NUL). */
function looksUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return true;
  }
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  return Math.max(evenNul, oddNul) > (n / 2) * 0.9 && Math.min(evenNul, oddNul) === 0;
}

/** True when the bytes hold a NUL: binary data (a TensorRT engine, say), not a text file. */
export function looksBinary(bytes: Uint8Array): boolean {
  return !looksUtf16(bytes) && bytes.subarray(0, 4096).includes(0);
}

/**
 * Decodes the bytes of a trtexec file as UTF-8 (what trtexec writes), dropping a UTF-8 byte-order mark that an
 * editor may have added. Empty files, UTF-16 (what Windows PowerShell 5 writes when a log is redirected with `>`)
 * and other non-UTF-8 text or binary data are `TrtexecParseError`s.
 */
export function decodeTrtexecBytes(bytes: Uint8Array, expected: ExpectedKind): string {
  if (bytes.length === 0) throw emptyFileError(expected);
  if (looksUtf16(bytes)) {
    throw new TrtexecParseError('UNSUPPORTED_ENCODING', 'trtexec writes UTF-8', {
      expected,
      found: 'UTF-16 text',
      remedy:
        'Convert it to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8` (Windows PowerShell 5 writes UTF-16 ' +
        'when output is redirected with `>`; use `| Out-File -Encoding utf8` or PowerShell 7).',
    });
  }
  if (looksBinary(bytes)) throw wrongKindError(expected, 'binary data (a TensorRT engine?)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TrtexecParseError('UNSUPPORTED_ENCODING', 'trtexec writes UTF-8', {
      expected,
      found: 'text that is not valid UTF-8',
      remedy: 'Convert the file to UTF-8 (e.g. with iconv), or give the file trtexec wrote.',
    });
  }
  return stripBom(text);
}
