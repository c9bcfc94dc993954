import { type CliIo, createCli, processIo, runCli } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { registerBuildCommand } from './build-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerParseCommand } from './parse-command.js';

/** Builds the `engine-builder` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], io: CliIo, setExitCode: (code: number) => void): Argv {
  let cli = createCli('engine-builder', argv);
  cli = registerBuildCommand(cli, io, setExitCode);
  cli = registerInspectCommand(cli, io, setExitCode);
  cli = registerParseCommand(cli, io, setExitCode);
  cli = registerCacheCommand(cli, io, setExitCode);
  return cli;
}

/** Entry point of the `engine-builder` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
