import { ExitCode, ToolkitError } from '@tamkit/graph-surgery';
import type { Argv } from 'yargs';
import { parseShard } from '../run/shard.js';
import { conventionOption, splitOption } from './options.js';

/**
 * Registers `track-eval lasot`. The runner (`runLasot`) and scoring are ready; the tracker itself is bench's
 * tracking loop, which is not wired in yet, so the command stops with an "unavailable" error after checking
 * its arguments.
 */
export function registerLasotCommand(cli: Argv): Argv {
  return cli.command(
    'lasot',
    'Track LaSOT sequences with a stack, write result files, and score them (resumable, shardable)',
    (y) =>
      y
        .option('root', { type: 'string', demandOption: true, describe: 'LaSOT root' })
        .option('models', { type: 'string', demandOption: true, describe: 'Folder of the four ONNX modules' })
        .option('stack', { type: 'string', demandOption: true, describe: 'bench stack name (e.g. ort-cpu)' })
        .option('sequences', { type: 'string', array: true, describe: 'Only these sequences' })
        .option('split', splitOption)
        .option('shard', { type: 'string', describe: 'Run shard i of n (1-based), e.g. 2/4' })
        .option('out', { type: 'string', describe: 'Results folder (default runs/<stack>)' })
        .option('convention', conventionOption)
        .example('$0 lasot --root data/LaSOT --models models/ --stack ort-cpu --shard 1/4', 'First of four shards'),
    (args) => {
      if (args.shard !== undefined) parseShard(args.shard);
      throw new ToolkitError(
        'TRACKING_LOOP_UNAVAILABLE',
        'track-eval lasot needs bench tracking loop, which is not wired into eval yet.',
        {
          remedy:
            'Run your tracker yourself, write <sequence>.txt files, then use `track-eval score`; or call runLasot() with a SequenceTracker.',
          exitCode: ExitCode.Unavailable,
        },
      );
    },
  );
}
