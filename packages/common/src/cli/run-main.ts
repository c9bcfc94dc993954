import { ExitCode, ToolkitError } from '../errors.js';

/** Where CLI text goes; tests pass their own sinks. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * The one place that turns a command's outcome into an exit code. Commands return a number (or nothing for
 * success) and throw typed errors; everything unexpected becomes an internal error with its stack.
 */
export async function runMain(body: () => Promise<number | undefined>, io: CliIo = processIo): Promise<number> {
  try {
    return (await body()) ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof ToolkitError) {
      io.err(`error [${error.code}]: ${error.describe()}`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`internal error (a bug in tamkit, please report it):\n${detail}`);
    return ExitCode.Internal;
  }
}
