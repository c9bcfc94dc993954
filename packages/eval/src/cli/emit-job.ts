import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, writeFileAtomic } from '@tamkit/common';
import type { CommandIo } from '@tamkit/common/cli';
import type { Options } from 'yargs';
import type { LasotJobOptions } from '../jobs/lasot-job.js';
import { OFFICIAL_SPLIT_NAME } from './options.js';

/** The schedulers `--emit` writes a job for. */
export const EMIT_KINDS = ['slurm', 'k8s'] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];

/** The options of `track-eval lasot` that shape a job for a scheduler (`--emit`) and `--shard auto`. */
export const jobOptions = {
  'shard-count': {
    type: 'number',
    describe: 'Number of shards: with --shard auto, the count (Kubernetes needs it); with --emit, how many tasks',
  },
  emit: {
    choices: EMIT_KINDS,
    describe: 'Write the job instead of running: an sbatch array script (slurm) or an Indexed Job manifest (k8s)',
  },
  'emit-file': { type: 'string', describe: 'Write the job here (default: print it)' },
  'job-command': {
    type: 'string',
    describe:
      'How jobs start track-eval, e.g. "node /opt/tamkit/packages/eval/bin/track-eval.js" (default: track-eval)',
  },
  'gpus-per-task': {
    type: 'number',
    default: 1,
    describe: 'GPUs per Slurm task or Kubernetes pod; 0 asks for none (CPU stacks)',
  },
  'cpus-per-task': { type: 'number', describe: 'Slurm --cpus-per-task' },
  partition: { type: 'string', describe: 'Slurm partition' },
  time: { type: 'string', describe: 'Slurm time limit per task, e.g. 08:00:00' },
  'job-name': { type: 'string', describe: 'Job name (default track-eval-<stack>)' },
  image: { type: 'string', describe: 'Container image with track-eval installed (k8s, required)' },
  'volume-claim': {
    type: 'string',
    describe: 'PersistentVolumeClaim with the dataset, models and results, mounted at --mount-path (k8s)',
  },
  'mount-path': { type: 'string', default: '/data', describe: 'Where --volume-claim is mounted (k8s)' },
  namespace: { type: 'string', describe: 'Kubernetes namespace' },
} as const satisfies Record<string, Options>;

/** The parsed arguments `emitJob` reads. */
export interface EmitArgs {
  emit: EmitKind;
  'emit-file'?: string | undefined;
  'shard-count'?: number | undefined;
  shard?: string | undefined;
  'gpus-per-task': number;
  'cpus-per-task'?: number | undefined;
  partition?: string | undefined;
  time?: string | undefined;
  'job-name'?: string | undefined;
  image?: string | undefined;
  'volume-claim'?: string | undefined;
  'mount-path': string;
  namespace?: string | undefined;
}

/** The program words of `--job-command` (split on spaces; default `track-eval`). */
export function jobProgram(jobCommand: string | undefined): string[] {
  const words = jobCommand?.trim().split(/\s+/).filter(Boolean) ?? [];
  return words.length > 0 ? words : ['track-eval'];
}

/** Paths made absolute: a task starts in a folder of the scheduler's choosing. */
export function absoluteRun(run: LasotJobOptions): LasotJobOptions {
  return {
    ...run,
    root: resolve(run.root),
    models: resolve(run.models),
    out: resolve(run.out),
    ...(run.split === undefined || run.split === OFFICIAL_SPLIT_NAME ? {} : { split: resolve(run.split) }),
  };
}

function positiveCount(args: EmitArgs): number {
  const count = args['shard-count'];
  if (count === undefined || !Number.isInteger(count) || count < 1) {
    throw new UsageError(
      `--emit ${args.emit} needs --shard-count N (an integer >= 1): the number of shards, one task each.`,
      `e.g. --emit ${args.emit} --shard-count 8`,
    );
  }
  return count;
}

/**
 * `--emit slurm|k8s`: writes (or prints) the job that runs `run` as `--shard-count` shards. Slurm paths are made
 * absolute (tasks share the submitting machine's file system); Kubernetes paths are the pod's, kept as given.
 */
export async function emitJob(io: CommandIo, given: LasotJobOptions, args: EmitArgs): Promise<void> {
  const run = args.emit === 'slurm' ? absoluteRun(given) : given;
  if (args.shard !== undefined) {
    throw new UsageError('--emit writes a job for every shard; it takes --shard-count, not --shard.');
  }
  const shards = positiveCount(args);
  const gpus = args['gpus-per-task'];
  if (!Number.isInteger(gpus) || gpus < 0) throw new UsageError(`--gpus-per-task ${gpus} is not an integer >= 0.`);
  const file = args['emit-file'] === undefined ? undefined : resolve(args['emit-file']);
  let text: string;
  if (args.emit === 'slurm') {
    const { slurmArrayScript, slurmLogDir } = await import('../jobs/slurm.js');
    const job = {
      shards,
      gpusPerTask: gpus,
      cpusPerTask: args['cpus-per-task'],
      partition: args.partition,
      time: args.time,
      jobName: args['job-name'],
      scriptPath: file,
    };
    text = slurmArrayScript(run, job);
    // Slurm opens each task's log before the script runs: the folder must exist when the job is submitted.
    await mkdir(slurmLogDir(run, job), { recursive: true });
  } else {
    if (args.image === undefined) {
      throw new UsageError('--emit k8s needs --image: the container image the pods run track-eval from.');
    }
    const { kubernetesIndexedJob } = await import('../jobs/kubernetes.js');
    const manifest = kubernetesIndexedJob(run, {
      shards,
      image: args.image,
      gpusPerPod: gpus,
      name: args['job-name'],
      namespace: args.namespace,
      volumeClaim: args['volume-claim'],
      mountPath: args['mount-path'],
    });
    text = `${JSON.stringify(manifest, null, 2)}\n`;
  }
  if (file === undefined) {
    io.out(text);
    return;
  }
  await writeFileAtomic(file, text);
  io.wrote(file, `the ${args.emit === 'slurm' ? 'sbatch script' : 'Indexed Job manifest'}`);
  io.info(
    args.emit === 'slurm'
      ? `submit: sbatch ${file}; then: track-eval merge ${run.out} -o <merged folder>`
      : `submit: kubectl apply -f ${file}; then: track-eval merge ${run.out} -o <merged folder>`,
  );
}
