import {
  type CliIo,
  type CommandIo,
  commandIo,
  createCli,
  packageVersion,
  processIo,
  runCli,
} from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { registerBuildCommand } from './build-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerParseCommand } from './parse-command.js';

/**
 * Builds the `engine-builder` command line; commands are registered by the modules under src/cli/ and import
 * library code when they run, so `--help` loads only the parser.
 */
export function buildCli(argv: readonly string[], io: CliIo | CommandIo, setExitCode: (code: number) => void): Argv {
  const cio = commandIo(io);
  let cli = createCli('engine-builder', argv, {
    io: cio,
    version: packageVersion(new URL('../../package.json', import.meta.url)),
  });
  cli = registerBuildCommand(cli, cio, setExitCode);
  cli = registerInspectCommand(cli, cio, setExitCode);
  cli = registerParseCommand(cli, cio, setExitCode);
  cli = registerCacheCommand(cli, cio, setExitCode);
  return cli;
}

/** Entry point of the `engine-builder` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode, cio) => buildCli(argv, cio, setExitCode), io);
}

export { hintTrtVersion } from './build-command.js';
