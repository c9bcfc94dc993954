import { type CliIo, createCli, processIo, runCli } from '@tamkit/graph-surgery/cli-support';
import type { Argv } from 'yargs';

/** Builds the `track-eval` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], _io: CliIo, _setExitCode: (code: number) => void): Argv {
  return createCli('track-eval', argv);
}

/** Entry point of the `track-eval` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
