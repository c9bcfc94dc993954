/**
 * Where a command's text goes, by kind: the result (stdout), status lines and progress (stderr, silenced by
 * `-q/--quiet`), detail (stderr, only with `-v/--verbose`), warnings and errors (stderr, always).
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { createProgress, type Progress } from './progress.js';

/** The two raw sinks of a CLI; tests pass their own. */
export interface CliIo {
  /** The result: stdout. */
  out(text: string): void;
  /** Everything else: stderr. */
  err(text: string): void;
  /** stderr as a terminal, for a progress line redrawn in place; absent when stderr is not a terminal. */
  readonly terminal?: { write(text: string): void; readonly columns: number | undefined };
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  get terminal() {
    return process.stderr.isTTY
      ? { write: (text: string) => process.stderr.write(text), columns: process.stderr.columns }
      : undefined;
  },
};

/** What a command prints through: a `CliIo` that knows `--quiet` and `--verbose`. */
export interface CommandIo extends CliIo {
  /** `-q/--quiet` was given: only the result, warnings and errors are printed. */
  readonly quiet: boolean;
  /** `-v/--verbose` was given: detail lines and error causes are printed too. */
  readonly verbose: boolean;
  /** Status lines (steps, what was written): stderr, silent with `--quiet`. */
  info(text: string): void;
  /** Detail (timings, resolved options): stderr, only with `--verbose`. */
  debug(text: string): void;
  /** A warning (`warning: ...` on stderr), printed even with `--quiet`, and counted. */
  warn(text: string): void;
  /** Warnings printed so far. */
  readonly warnings: number;
  /**
   * The one line that says what the command wrote: `wrote PATH (12.3 MB)`, the size read from the file (a
   * folder gets no size); `what` goes in front (`wrote the report PATH`). Silent with `--quiet`.
   */
  wrote(path: string, what?: string): void;
  /** A `k/N` progress line with an ETA on stderr (silent with `--quiet`). */
  progress(label: string, total: number): Progress;
  /** Sets the levels; the shared CLI plumbing calls it once the arguments are parsed. */
  configure(levels: { quiet?: boolean; verbose?: boolean }): void;
}

/** A path as a status line shows it: relative to the working folder when it lies inside it. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

function sizeOf(path: string): string {
  try {
    const info = statSync(path);
    return info.isFile() ? ` (${formatBytes(info.size)})` : '';
  } catch {
    return '';
  }
}

/** Wraps raw sinks into a `CommandIo` (a `CommandIo` is returned as it is). */
export function commandIo(io: CliIo | CommandIo): CommandIo {
  if ('configure' in io) return io;
  let quiet = false;
  let verbose = false;
  let warnings = 0;
  const self: CommandIo = {
    out: (text) => io.out(text),
    err: (text) => io.err(text),
    get terminal() {
      return io.terminal;
    },
    get quiet() {
      return quiet;
    },
    get verbose() {
      return verbose;
    },
    get warnings() {
      return warnings;
    },
    info: (text) => {
      if (!quiet) io.err(text);
    },
    debug: (text) => {
      if (verbose) io.err(text);
    },
    warn: (text) => {
      warnings++;
      io.err(`warning: ${text}`);
    },
    wrote: (path, what) => {
      if (!quiet) io.err(`wrote ${what ? `${what} ` : ''}${displayPath(path)}${sizeOf(path)}`);
    },
    progress: (label, total) => createProgress(quiet ? undefined : io, label, total),
    configure: (levels) => {
      quiet = levels.quiet ?? quiet;
      verbose = levels.verbose ?? verbose;
    },
  };
  return self;
}
