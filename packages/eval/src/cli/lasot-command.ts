import { join } from 'node:path';
import { checkOutputLocation, ExitCode, ToolkitError, UsageError, writeFileAtomic } from '@tamkit/common';
import {
  type CommandIo,
  jsonOption,
  modelsOption,
  numberOption,
  outOption,
  stackOption,
  withDeprecatedFlags,
} from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { type LasotJobOptions, lasotArgv } from '../jobs/lasot-job.js';
import type { Convention } from '../metrics/convention.js';
import type { TrackerFactory } from '../run/tracker.js';
import { absoluteRun, emitJob, jobOptions, jobProgram } from './emit-job.js';
import { conventionOption, resolveSplit, rootOption, splitOption } from './options.js';
import { formatScoreText, warnLeftOut } from './score-command.js';

/**
 * Registers `track-eval lasot`. The tracker comes from a factory (bench's tracking loop in the CLI; tests pass
 * their own); without one the command checks its arguments and stops with an "unavailable" error.
 */
export function registerLasotCommand(cli: Argv, io: CommandIo, createTracker?: TrackerFactory): Argv {
  return cli.command(
    'lasot',
    'Track LaSOT sequences with a stack, write result files, and score them (resumable, shardable)',
    (y) =>
      withDeprecatedFlags(
        y
          .option('root', rootOption)
          .options(modelsOption('Folder of the four ONNX modules', { demandOption: true }))
          .options(stackOption('bench stack name (e.g. ort-cpu)', { demandOption: true }))
          .option('sequences', { type: 'string', array: true, describe: 'Only these sequences (overrides --split)' })
          .option('split', splitOption)
          .option('shard', {
            type: 'string',
            describe:
              'Run shard i of n (1-based), e.g. 2/4, or "auto" to read it from a Slurm array or Kubernetes Indexed Job; merge shards with `merge`',
          })
          .options(jobOptions)
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
          .options(numberOption('threads', 'Intra-op threads of ONNX Runtime stacks', { integer: true, min: 1 }))
          .options(jsonOption())
          .example('$0 lasot --root data/LaSOT --models models/ --stack ort-cpu --split lasot-test', 'Whole test split')
          .example('$0 lasot --root data/LaSOT --models models/ --stack ort-cpu --shard 1/4', 'First of four shards')
          .example(
            '$0 lasot --root data/LaSOT --models models/ --stack trt-fp16 --emit slurm --shard-count 8 --emit-file lasot.sbatch',
            'An sbatch array script of eight one-GPU shards',
          ),
        io,
        [{ flag: 'gt', replacement: 'root' }],
      ),
    async (args) => {
      const outDir = args.out ?? join('runs', args.stack);
      const sequences = args.sequences ?? (await resolveSplit(args.split));
      const run: LasotJobOptions = {
        program: jobProgram(args['job-command']),
        root: args.root,
        models: args.models,
        stack: args.stack,
        out: outDir,
        ...(args.sequences ? { sequences: args.sequences } : {}),
        ...(args.split === undefined ? {} : { split: args.split }),
        convention: args.convention,
        ...(args.kalman ? { kalman: true } : {}),
        ...(args.threads === undefined ? {} : { threads: args.threads }),
        ...(args.resume ? {} : { resume: false }),
      };
      if (args.emit !== undefined) {
        await emitJob(io, run, { ...args, emit: args.emit });
        return;
      }
      if (args.shard === undefined && args['shard-count'] !== undefined) {
        throw new UsageError(
          '--shard-count goes with --shard auto (the count a Kubernetes index needs) or --emit (how many tasks).',
          'Add --shard auto, or --emit slurm|k8s; or drop --shard-count.',
        );
      }
      const { resolveShard } = await import('../run/shard-source.js');
      const resolved =
        args.shard === undefined ? undefined : resolveShard(args.shard, process.env, args['shard-count']);
      if (resolved) io.info(resolved.description);
      const shard = resolved?.shard;
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
      // Before hours of tracking: the results folder must be writable.
      await checkOutputLocation(outDir, { kind: 'folder', flag: '--out' });
      const { runAndScoreLasot } = await import('../run/run-and-score.js');
      const tracker = await createTracker({
        models: args.models,
        stack: args.stack,
        kalman: args.kalman,
        ...(args.threads === undefined ? {} : { threads: args.threads }),
      });
      const progress = io.progress(args.stack, 0);
      try {
        const { score, manifest, withoutGroundTruth } = await runAndScoreLasot(
          tracker,
          {
            root: args.root,
            sequences,
            outDir,
            shard,
            resume: args.resume,
            label: args.stack,
            convention: args.convention as Convention,
            rerun: {
              argv: lasotArgv(absoluteRun(run)),
              ...(process.env.TAMKIT_JOB_SCRIPT ? { jobScript: process.env.TAMKIT_JOB_SCRIPT } : {}),
            },
            ...(resolved ? { shardSource: resolved.description } : {}),
          },
          (p) => {
            if (p.skipped) io.debug(`${p.sequence}: complete result found, skipped`);
            else if (p.frame === p.frames) io.debug(`${p.sequence}: ${p.frames} frames tracked`);
            progress.setTotal(p.framesTotal);
            progress.update(p.framesDone, p.sequence, p.etaMs);
          },
        );
        progress.finish();
        const skipped = manifest.sequences.filter((s) => s.status === 'skipped').length;
        io.wrote(
          outDir,
          `${manifest.sequences.length} result file(s)${skipped ? ` (${skipped} kept from an earlier run)` : ''} and the run manifest to`,
        );
        if (!score) {
          if (withoutGroundTruth.length > 0) {
            io.warn(
              `${withoutGroundTruth.length} sequence folder(s) without groundtruth.txt were not tracked: ${withoutGroundTruth.join(', ')}`,
            );
          }
          io.out(`shard ${shard!.index}/${shard!.count} done: results in ${outDir}; merge the shards, then score`);
          return;
        }
        const json = `${JSON.stringify(score, null, 2)}\n`;
        const scorePath = join(outDir, 'score.json');
        await writeFileAtomic(scorePath, json);
        io.out(args.json ? json : formatScoreText(score));
        warnLeftOut(score, io);
        io.wrote(scorePath, 'the score report');
      } finally {
        await tracker.dispose?.();
      }
    },
  );
}
