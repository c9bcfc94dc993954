import { type LasotJobOptions, lasotArgv, shellCommand, shellQuote } from './lasot-job.js';

/** Options of `slurmArrayScript`. */
export interface SlurmJobOptions {
  /** Number of shards: array tasks 0..shards-1. */
  shards: number;
  /** GPUs per task (`--gpus-per-task`); 0 requests none (CPU stacks, clusters without GPU gres). Default 1. */
  gpusPerTask?: number;
  cpusPerTask?: number;
  partition?: string;
  /** Wall-time limit, Slurm syntax (e.g. `08:00:00`). */
  time?: string;
  /** Default `track-eval-<stack>`. */
  jobName?: string;
  /** Folder of the per-task logs `<job name>-<array job id>_<task id>.out`. Default `<out>/logs`. */
  logDir?: string;
  /**
   * Absolute path the script will be saved at; exported as `TAMKIT_JOB_SCRIPT` so the shard manifests name it
   * and `track-eval merge` can print `sbatch --array=... <script>` for the shards to rerun.
   */
  scriptPath?: string;
}

/** The folder of the per-task logs; it must exist when the script is submitted. */
export function slurmLogDir(run: LasotJobOptions, job: SlurmJobOptions): string {
  return job.logDir ?? `${run.out}/logs`;
}

/**
 * An `sbatch` script that runs a LaSOT evaluation as a job array: one task per shard (`--shard auto` with the
 * count, so a rerun of some indices still finds its shard), one GPU each, `--requeue` so a preempted or failed
 * node's task runs again and resumes from its finished sequences, and logs named by array job and task
 * (`%A_%a`), appended to across requeues, so no two tasks write one file.
 */
export function slurmArrayScript(run: LasotJobOptions, job: SlurmJobOptions): string {
  if (!Number.isInteger(job.shards) || job.shards < 1) throw new RangeError(`shards must be >= 1, got ${job.shards}`);
  const name = job.jobName ?? `track-eval-${run.stack}`;
  const logDir = slurmLogDir(run, job);
  const gpus = job.gpusPerTask ?? 1;
  const directives = [
    `--job-name=${name}`,
    `--array=0-${job.shards - 1}`,
    '--ntasks=1',
    ...(gpus > 0 ? [`--gpus-per-task=${gpus}`] : []),
    ...(job.cpusPerTask === undefined ? [] : [`--cpus-per-task=${job.cpusPerTask}`]),
    ...(job.partition === undefined ? [] : [`--partition=${job.partition}`]),
    ...(job.time === undefined ? [] : [`--time=${job.time}`]),
    '--requeue',
    `--output=${logDir}/%x-%A_%a.out`,
    '--open-mode=append',
  ];
  const argv = [...lasotArgv(run), '--shard', 'auto', '--shard-count', String(job.shards)];
  return [
    '#!/bin/bash',
    `# ${job.shards} shards of a LaSOT run on ${run.stack}, written by \`track-eval lasot --emit slurm\`.`,
    '# Submit with `sbatch <this file>`; after the array ends, `track-eval merge` checks every shard finished.',
    ...directives.map((d) => `#SBATCH ${d}`),
    // Slurm opens --output before the script runs, so the log folder must exist at submission (emit makes it).
    `# Log folder: ${logDir}`,
    'set -euo pipefail',
    ...(job.scriptPath === undefined ? [] : [`export TAMKIT_JOB_SCRIPT=${shellQuote(job.scriptPath)}`]),
    `echo "task \${SLURM_ARRAY_TASK_ID} of array job \${SLURM_ARRAY_JOB_ID} on $(hostname), restart \${SLURM_RESTART_COUNT:-0}"`,
    `exec ${shellCommand(argv)}`,
    '',
  ].join('\n');
}
