import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ExitCode, ToolkitError } from '@tamkit/common';

/** Options of `runProcess`. */
export interface RunProcessOptions {
  /** Kill the process after this many milliseconds (SIGTERM, then SIGKILL 5 s later). Default: no limit. */
  timeoutMs?: number;
  /** Called with every complete line of stdout or stderr, as it arrives (for progress). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Also write everything the process prints to this file, as it arrives. */
  logPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep at most this many characters of output in memory (the tail). Default 64 Mi. */
  maxOutputChars?: number;
}

/** What a finished process left behind. */
export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr interleaved in arrival order (the tail, if longer than `maxOutputChars`). */
  output: string;
  durationMs: number;
}

/** Thrown (as a ToolkitError) when the executable cannot be started at all. */
export function missingExecutableError(file: string, what: string, remedy: string, cause?: unknown): ToolkitError {
  return new ToolkitError('EXECUTABLE_NOT_FOUND', `Cannot run ${what}: "${file}" was not found or is not executable`, {
    remedy,
    cause,
    exitCode: ExitCode.Unavailable,
  });
}

/**
 * Runs an executable with an argument array (never through a shell, so no argument is ever re-parsed),
 * streaming its output line by line. Resolves with the exit status whatever it is; rejects only when the
 * executable cannot be started (ENOENT/EACCES), with the given `what`/`remedy` in the error.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: RunProcessOptions & { what?: string; remedy?: string } = {},
): Promise<ProcessResult> {
  const started = Date.now();
  const maxChars = options.maxOutputChars ?? 64 * 1024 * 1024;
  return new Promise((resolvePromise, reject) => {
    let log: WriteStream | undefined;
    const child = spawn(file, [...args], {
      shell: false,
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (options.logPath) log = createWriteStream(options.logPath);
    let output = '';
    let timedOut = false;
    const partial = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (text: string) => {
      log?.write(text);
      output += text;
      if (output.length > maxChars) output = output.slice(output.length - maxChars);
      if (!options.onLine) return;
      const lines = (partial[stream] + text).split(/\r?\n/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line, stream);
    };
    // Decoding per stream (not per chunk) keeps multi-byte characters split across chunks intact.
    child.stdout.setEncoding('utf8').on('data', onData('stdout'));
    child.stderr.setEncoding('utf8').on('data', onData('stderr'));

    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
          }, options.timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      log?.end();
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        reject(
          missingExecutableError(
            file,
            options.what ?? file,
            options.remedy ?? `Install ${file} or fix its path.`,
            error,
          ),
        );
      } else {
        reject(error);
      }
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] && options.onLine) options.onLine(partial[stream], stream);
      }
      const finish = () => resolvePromise({ exitCode, signal, timedOut, output, durationMs: Date.now() - started });
      if (log) log.end(finish);
      else finish();
    });
  });
}

/** The last `n` non-empty lines of a log, for error messages. */
export function tailLines(text: string, n = 15): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0)
    .slice(-n)
    .join('\n');
}
