import { join } from 'node:path';
import { ExitCode, ToolkitError, writeFileAtomic } from '@tamkit/common';
import { type CliIo, jsonOption, modelsOption, outOption, stackOption } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import type { Convention } from '../metrics/convention.js';
import { runAndScoreLasot } from '../run/run-and-score.js';
import { parseShard } from '../run/shard.js';
import type { TrackerFactory } from '../run/tracker.js';
import { conventionOption, resolveSplit, splitOption } from './options.js';
import { createProgressBar } from './progress.js';
import { formatScoreText } from './score-command.js';

/**
 * Registers `track-eval lasot`. The tracker comes from a factory (bench's tracking loop in the CLI; tests pass
 * their own); without one the command checks its arguments and stops with an "unavailable" error.
 */
export function registerLasotCommand(cli: Argv, io: CliIo, createTracker?: TrackerFactory): Argv {
  return cli.command(
    'lasot',
    'Track LaSOT sequences with a stack, write result files, and score them (resumable, shardable)',
    (y) =>
      y
        .option('root', { type: 'string', demandOption: true, describe: 'LaSOT root' })
        .options(modelsOption('Folder of the four ONNX modules', { demandOption: true }))
        .options(stackOption('bench stack name (e.g. ort-cpu)', { demandOption: true }))
        .option('sequences', { type: 'string', array: true, describe: 'Only these sequences (overrides --split)' })
        .option('split', splitOption)
        .option('shard', {
          type: 'string',
          describe: 'Run shard i of n (1-based), e.g. 2/4; merge shards with `merge`',
        })
        .options(outOption('Results folder (default runs/<stack>)'))
        .option('resume', {
          type: 'boolean',
          default: true,
          describe: 'Skip sequences with complete results (--no-resume redoes them)',
        })
        .option('convention', conventionOption)
        .option('kalman', {
          type: 'boolean',
          default: false,
          describe: 'SAMURAI: motion-aware mask and memory selection',
        })
        .option('threads', { type: 'number', describe: 'Intra-op threads of ONNX Runtime stacks' })
        .options(jsonOption())
        .example('$0 lasot --root data/LaSOT --models models/ --stack ort-cpu --split lasot-test', 'Whole test split')
        .example('$0 lasot --root data/LaSOT --models models/ --stack ort-cpu --shard 1/4', 'First of four shards'),
    async (args) => {
      const shard = args.shard === undefined ? undefined : parseShard(args.shard);
      if (!createTracker) {
        throw new ToolkitError(
          'TRACKING_LOOP_UNAVAILABLE',
          'track-eval lasot was registered without a tracker factory.',
          {
            remedy:
              'Run your tracker yourself, write <sequence>.txt files, then use `track-eval score`; or call runLasot() with a SequenceTracker.',
            exitCode: ExitCode.Unavailable,
          },
        );
      }
      const sequences = args.sequences ?? (await resolveSplit(args.split));
      const outDir = args.out ?? join('runs', args.stack);
      const tracker = await createTracker({
        models: args.models,
        stack: args.stack,
        kalman: args.kalman,
        ...(args.threads === undefined ? {} : { threads: args.threads }),
      });
      const bar = args.json ? undefined : createProgressBar(io, args.stack);
      try {
        const { score } = await runAndScoreLasot(
          tracker,
          {
            root: args.root,
            sequences,
            outDir,
            shard,
            resume: args.resume,
            label: args.stack,
            convention: args.convention as Convention,
          },
          (p) => bar?.(p.framesDone, p.framesTotal, p.etaMs, p.sequence),
        );
        if (!score) {
          io.out(`shard ${shard!.index}/${shard!.count} done: results in ${outDir}; merge the shards, then score`);
          return;
        }
        const json = `${JSON.stringify(score, null, 2)}\n`;
        await writeFileAtomic(join(outDir, 'score.json'), json);
        io.out(args.json ? json : formatScoreText(score));
      } finally {
        await tracker.dispose?.();
      }
    },
  );
}
