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
import type { TrackerFactory } from '../run/tracker.js';
import { registerBisectCommand } from './bisect-command.js';
import { registerFidelityCommand } from './fidelity-command.js';
import { registerLasotCommand } from './lasot-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerReportCommand } from './report-command.js';
import { registerScoreCommand } from './score-command.js';
import { registerSynthCommand } from './synth-command.js';

/** bench's tracking loop, loaded only when `lasot` runs (it brings onnxruntime and sharp). */
const benchTracker: TrackerFactory = async (options) =>
  (await import('../run/bench-tracker.js')).benchTrackerFactory(options);

/**
 * Builds the `track-eval` command line; commands are registered by the modules under src/cli/ and import
 * library code when they run.
 */
export function buildCli(argv: readonly string[], io: CliIo | CommandIo, _setExitCode: (code: number) => void): Argv {
  const cio = commandIo(io);
  let cli = createCli('track-eval', argv, {
    io: cio,
    version: packageVersion(new URL('../../package.json', import.meta.url)),
  });
  cli = registerScoreCommand(cli, cio);
  cli = registerLasotCommand(cli, cio, benchTracker);
  cli = registerMergeCommand(cli, cio);
  cli = registerReportCommand(cli, cio);
  cli = registerSynthCommand(cli, cio);
  cli = registerFidelityCommand(cli, cio);
  cli = registerBisectCommand(cli, cio);
  return cli;
}

/** Entry point of the `track-eval` binary: returns the process exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCli((setExitCode, cio) => buildCli(argv, cio, setExitCode), io);
}
