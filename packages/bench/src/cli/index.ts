import { type CliIo, createCli, processIo, runCli } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { compareCommand } from './compare.js';
import { registerCudaCommand } from './cuda-command.js';
import { registerListCommand } from './list-command.js';
import { withCudaMath, withOrtLogging } from './options.js';

export { withCudaMath, withOrtLogging } from './options.js';

import { registerPipelineCommand } from './pipeline.js';
import { registerProfileCommand } from './profile-command.js';
import { registerRunCommand } from './run-command.js';

/** Builds the `bench` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], io: CliIo, setExitCode: (code: number) => void): Argv {
  let cli = withCudaMath(withOrtLogging(createCli('bench', argv)));
  cli = registerListCommand(cli, io);
  cli = registerRunCommand(cli, io, setExitCode);
  cli = cli.command(compareCommand(io, setExitCode));
  cli = registerPipelineCommand(cli, io, setExitCode);
  cli = registerProfileCommand(cli, io);
  cli = registerCudaCommand(cli, io, setExitCode);
  return cli;
}

/** Entry point of the `bench` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
