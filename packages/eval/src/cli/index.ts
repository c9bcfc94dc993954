import { withCrashProbe, withCudaMath, withOrtLogging } from '@tamkit/bench/cli';
import { defineCli, packageVersion } from '@tamkit/common/cli';
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
 * The `track-eval` command line; commands are registered by the modules under src/cli/ and import library code
 * when they run. `main` is the binary's entry point.
 */
export const { buildCli, main } = defineCli({
  name: 'track-eval',
  version: () => packageVersion(new URL('../../package.json', import.meta.url)),
  commands: (cli, io) =>
    [
      registerScoreCommand,
      (c: typeof cli) => registerLasotCommand(c, io, benchTracker),
      registerMergeCommand,
      registerReportCommand,
      registerSynthCommand,
      registerFidelityCommand,
      registerBisectCommand,
    ].reduce((c, register) => register(c, io), withCrashProbe(withCudaMath(withOrtLogging(cli)))),
});
