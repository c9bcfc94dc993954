import { withCudaMath, withOrtLogging } from '@tamkit/bench/cli';
import { type CliIo, createCli, processIo, runCli } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { benchTrackerFactory } from '../run/bench-tracker.js';
import { registerBisectCommand } from './bisect-command.js';
import { registerFidelityCommand } from './fidelity-command.js';
import { registerLasotCommand } from './lasot-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerReportCommand } from './report-command.js';
import { registerScoreCommand } from './score-command.js';
import { registerSynthCommand } from './synth-command.js';

/** Builds the `track-eval` command line; commands are registered by the modules under src/cli/. */
export function buildCli(argv: readonly string[], io: CliIo, setExitCode: (code: number) => void): Argv {
  let cli = withCudaMath(withOrtLogging(createCli('track-eval', argv)));
  cli = registerScoreCommand(cli, io);
  // bench's tracking loop plugs in here as the tracker factory once it exists; until then `lasot` is unavailable.
  cli = registerLasotCommand(cli, io, benchTrackerFactory);
  cli = registerMergeCommand(cli, io, setExitCode);
  cli = registerReportCommand(cli, io);
  cli = registerSynthCommand(cli, io);
  cli = registerFidelityCommand(cli, io);
  cli = registerBisectCommand(cli, io);
  return cli;
}

/** Entry point of the `track-eval` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode) => buildCli(argv, io, setExitCode), io);
}
