import { type CliIo, createCli, processIo, runCli } from '@tamkit/graph-surgery/cli-support';
import type { Argv } from 'yargs';

/** Builds the `engine-builder` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], _io: CliIo, _setExitCode: (code: number) => void): Argv {
  return createCli('engine-builder', argv);
}

/** Entry point of the `engine-builder` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
