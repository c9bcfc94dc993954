import { ToolkitError } from '@tamkit/common';

/** The kinds of file trtexec writes that this package reads. */
export const TRTEXEC_FILE_KINDS = ['summary', 'times', 'profile', 'layers', 'build-log', 'output'] as const;
export type TrtexecFileKind = (typeof TRTEXEC_FILE_KINDS)[number];

/** What a caller asks for: one kind, or `any` when the kind is to be detected. */
export type ExpectedKind = TrtexecFileKind | 'any';

/** How each kind is named in messages: what trtexec flag or output produces it. */
export const KIND_DESCRIPTIONS: Record<ExpectedKind, string> = {
  any: 'trtexec log or export file',
  summary: 'trtexec log with a performance summary',
  times: 'trtexec --exportTimes JSON',
  profile: 'trtexec --exportProfile JSON',
  layers: 'trtexec --exportLayerInfo JSON',
  'build-log': 'trtexec build log',
  output: 'trtexec --exportOutput JSON',
};

/** Error codes of `TrtexecParseError`. */
export type TrtexecParseErrorCode = 'PARSE_FAILED' | 'FILE_EMPTY' | 'WRONG_FILE_KIND' | 'UNSUPPORTED_ENCODING';

export interface TrtexecParseErrorDetails {
  /** The kind of file the caller asked for. */
  expected: ExpectedKind;
  /** What the file turned out to be, when known: another kind, or e.g. "UTF-16 text", "an empty file". */
  found?: string;
  /** 1-based line where the problem is, when it has one. */
  line?: number;
  /** The file, when the text came from one. */
  file?: string;
  remedy?: string;
}

const DEFAULT_REMEDY =
  'Check that the file is complete (a run that crashed, was killed or ran out of disk leaves a truncated file) and ' +
  'that it is the kind of file asked for; `engine-builder parse FILE` says what a file is.';

/**
 * Input that is not the trtexec file it should be: truncated, empty, wrongly encoded or of another kind. Names the
 * file (when known), the kind expected and found, and the line. Parsers throw it instead of returning a partial
 * result.
 */
export class TrtexecParseError extends ToolkitError {
  override readonly name = 'TrtexecParseError';
  readonly expected: ExpectedKind;
  readonly found: string | undefined;
  readonly line: number | undefined;
  readonly file: string | undefined;
  /** The problem without the file/line/kind framing, e.g. "the file ends inside an entry". */
  readonly problem: string;

  constructor(code: TrtexecParseErrorCode, problem: string, details: TrtexecParseErrorDetails) {
    super(code, formatMessage(code, problem, details), { remedy: details.remedy ?? DEFAULT_REMEDY });
    this.expected = details.expected;
    this.found = details.found;
    this.line = details.line;
    this.file = details.file;
    this.problem = problem;
  }

  /** The same error, naming the file the text came from. */
  withFile(file: string): TrtexecParseError {
    const details: TrtexecParseErrorDetails = { expected: this.expected, file };
    if (this.found !== undefined) details.found = this.found;
    if (this.line !== undefined) details.line = this.line;
    if (this.remedy !== undefined) details.remedy = this.remedy;
    return new TrtexecParseError(this.code as TrtexecParseErrorCode, this.problem, details);
  }
}

function formatMessage(code: TrtexecParseErrorCode, problem: string, d: TrtexecParseErrorDetails): string {
  // "file:27: ", as compilers write it; "line 27: " when the text came from no file.
  const line = d.line !== undefined ? (d.file ? String(d.line) : `line ${d.line}`) : undefined;
  const where = [d.file, line].filter(Boolean).join(':');
  const prefix = where ? `${where}: ` : '';
  if (code === 'WRONG_FILE_KIND' || code === 'UNSUPPORTED_ENCODING') {
    return `${prefix}expected a ${KIND_DESCRIPTIONS[d.expected]}, found ${d.found ?? 'something else'}${problem ? `: ${problem}` : ''}`;
  }
  return `${prefix}not a valid ${KIND_DESCRIPTIONS[d.expected]}: ${problem}`;
}

/** A malformed or truncated file of the expected kind. */
export function parseError(expected: ExpectedKind, problem: string, line?: number): TrtexecParseError {
  return new TrtexecParseError('PARSE_FAILED', problem, line === undefined ? { expected } : { expected, line });
}

/**
 * A file of another kind than the one expected. `found` is a kind, or a phrase such as "an empty file";
 * `problem` may add why the file was taken for that.
 */
export function wrongKindError(expected: ExpectedKind, found: string, problem = ''): TrtexecParseError {
  const foundText = (TRTEXEC_FILE_KINDS as readonly string[]).includes(found)
    ? `a ${KIND_DESCRIPTIONS[found as TrtexecFileKind]}`
    : found;
  return new TrtexecParseError('WRONG_FILE_KIND', problem, {
    expected,
    found: foundText,
    remedy:
      expected === 'any'
        ? `Give a trtexec log or a file written by one of trtexec's --export* options.`
        : `Give a ${KIND_DESCRIPTIONS[expected]}, or see what the file is with \`engine-builder parse FILE\` (it detects the kind).`,
  });
}

/** Runs the parse of a file's text, naming the file in any `TrtexecParseError` it throws. */
export function parsingFile<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof TrtexecParseError ? error.withFile(file) : error;
  }
}
