import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { type CliIo, processIo, runMain } from './run-main.js';

/**
 * Builds a yargs parser with the behaviour every tamkit CLI shares: strict options, usage errors thrown as
 * `UsageError` (exit 2) instead of yargs exiting the process.
 */
export function createCli(scriptName: string, argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName(scriptName)
    .exitProcess(false)
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    });
}

/**
 * Runs a CLI built with `createCli`: parses, lets the command handler do its work, maps errors to exit codes.
 * Handlers report a non-zero exit code (e.g. "regression detected") through `setExitCode`.
 */
export async function runCli(
  build: (setExitCode: (code: number) => void) => Argv,
  io: CliIo = processIo,
): Promise<number> {
  let code = 0;
  return runMain(async () => {
    const cli = build((c) => {
      code = c;
    });
    await cli.parseAsync();
    return code;
  }, io);
}
