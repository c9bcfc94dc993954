import type { Argv } from 'yargs';
import { type CliIo, createCli, processIo, runCli } from '../cli-support/index.js';

/** Builds the `graph-surgery` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], _io: CliIo, _setExitCode: (code: number) => void): Argv {
  return createCli('graph-surgery', argv);
}

/** Entry point of the `graph-surgery` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
