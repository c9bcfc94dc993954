import { ExitCode, ToolkitError } from '../errors.js';
import { type CliIo, type CommandIo, processIo } from './command-io.js';

/** The causes under an error (`error.cause`, recursively), one line each, for `--verbose`. */
function causeLines(error: unknown): string[] {
  const lines: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`  caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines;
}

/**
 * The one place that turns a command's outcome into an exit code. Commands return a number (or nothing for
 * success) and throw typed errors; everything unexpected becomes an internal error with its stack. With
 * `--verbose` (a `CommandIo` that says so), a typed error also shows what caused it.
 */
export async function runMain(
  body: () => Promise<number | undefined>,
  io: CliIo | CommandIo = processIo,
): Promise<number> {
  try {
    return (await body()) ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof ToolkitError) {
      io.err(`error [${error.code}]: ${error.describe()}`);
      if ('verbose' in io && io.verbose) for (const line of causeLines(error)) io.err(line);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`internal error (a bug in tamkit, please report it):\n${detail}`);
    return ExitCode.Internal;
  }
}
