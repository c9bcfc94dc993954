import type { Argv } from 'yargs';
import { type CliIo, createCli, processIo, runCli } from '../cli-support/index.js';
import { registerConvert } from './convert.js';
import { registerInspect } from './inspect.js';
import { registerZoo } from './zoo.js';

/** Builds the `graph-surgery` command line; each command lives in its own module under src/cli/. */
export function buildCli(argv: readonly string[], io: CliIo, _setExitCode: (code: number) => void): Argv {
  let cli = createCli('graph-surgery', argv).usage(
    '$0 <command> [options]\n\nLossless ONNX I/O, graph edits and a seeded model zoo.',
  );
  cli = registerInspect(cli, io);
  cli = registerConvert(cli);
  cli = registerZoo(cli, io);
  return cli;
}

/** Entry point of the `graph-surgery` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
