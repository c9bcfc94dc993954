import { ExitCode, ToolkitError } from '@tamkit/common';
import { parseShard, type Shard } from './shard.js';

/** Where a run's shard came from. */
export type ShardSource = 'slurm' | 'kubernetes' | 'explicit';

/** A resolved shard, its source and one line that says how it was found. */
export interface ResolvedShard {
  shard: Shard;
  source: ShardSource;
  /** e.g. `shard 2/4 from the Slurm array (SLURM_ARRAY_TASK_ID=1, ...)`. */
  description: string;
}

/** The environment variables `resolveShard` reads (pass `process.env`). */
export type ShardEnvironment = Readonly<Record<string, string | undefined>>;

const SLURM_VARS = ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX'];
const K8S_VAR = 'JOB_COMPLETION_INDEX';

/** A `--shard` value or scheduler variable that cannot be turned into a shard. */
export class ShardResolutionError extends ToolkitError {
  override readonly name = 'ShardResolutionError';
  constructor(
    message: string,
    remedy = 'Pass --shard i/n, or --shard auto inside a Slurm array task or Kubernetes Indexed Job.',
  ) {
    super('SHARD_UNRESOLVED', message, { remedy, exitCode: ExitCode.Usage });
  }
}

function integerVar(env: ShardEnvironment, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new ShardResolutionError(
      `${name}=${text} is not a non-negative integer.`,
      'Unset it, or run under the scheduler that sets it.',
    );
  }
  return Number(text.trim());
}

function shown(env: ShardEnvironment, names: readonly string[]): string {
  return names
    .filter((n) => env[n] !== undefined)
    .map((n) => `${n}=${env[n]}`)
    .join(', ');
}

/**
 * The Slurm array task as a shard. The count is `--shard-count` when given, else the array's task count; the
 * index is the task id relative to the array's first id when the array is whole (`--array=0-3` or `1-4`), and
 * the task id itself, 0-based, when `--shard-count` is given and the array is a subset of the indices (a rerun
 * such as `sbatch --array=1,3`, which `track-eval merge` prints): that is why `--emit slurm` passes the count.
 */
function slurmShard(env: ShardEnvironment, shardCount: number | undefined): Shard {
  const id = integerVar(env, 'SLURM_ARRAY_TASK_ID')!;
  const tasks = integerVar(env, 'SLURM_ARRAY_TASK_COUNT');
  const min = integerVar(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const max = integerVar(env, 'SLURM_ARRAY_TASK_MAX');
  const vars = shown(env, SLURM_VARS);
  if (tasks === undefined && shardCount === undefined) {
    throw new ShardResolutionError(
      `Slurm set SLURM_ARRAY_TASK_ID but not SLURM_ARRAY_TASK_COUNT (${vars}).`,
      'Pass --shard-count N with the number of shards the job was split into.',
    );
  }
  const whole = tasks !== undefined && (max === undefined || max - min + 1 === tasks);
  const count = shardCount ?? tasks!;
  if (tasks !== undefined && tasks > count) {
    throw new ShardResolutionError(
      `The Slurm array has ${tasks} tasks but --shard-count is ${count} (${vars}).`,
      `Submit --array=0-${count - 1}, or pass the --shard-count the job was split into.`,
    );
  }
  if (!whole && shardCount === undefined) {
    throw new ShardResolutionError(
      `The Slurm array is not one range (${vars}), so the task id alone does not say which shard this is.`,
      'Pass --shard-count N (0-based ids: task k runs shard k+1 of N), as `track-eval lasot --emit slurm` does.',
    );
  }
  const offset = whole && tasks === count ? min : 0;
  const index = id - offset;
  if (index < 0 || index >= count) {
    throw new ShardResolutionError(
      `Slurm array task ${id} is outside the ${count} shards (${vars}): its 0-based index ${index} is not in 0..${count - 1}.`,
      `Submit array ids 0..${count - 1} (or one whole range such as 1-${count}).`,
    );
  }
  return { index: index + 1, count };
}

function kubernetesShard(env: ShardEnvironment, shardCount: number | undefined): Shard {
  const index = integerVar(env, K8S_VAR)!;
  if (shardCount === undefined) {
    throw new ShardResolutionError(
      `${K8S_VAR}=${index} gives the Kubernetes index but not how many there are.`,
      'Pass --shard-count N equal to the Job spec.completions (`--emit k8s` writes it).',
    );
  }
  if (index >= shardCount) {
    throw new ShardResolutionError(
      `${K8S_VAR}=${index} is not below --shard-count ${shardCount}.`,
      'Make --shard-count equal to the Job spec.completions.',
    );
  }
  return { index: index + 1, count: shardCount };
}

/**
 * Resolves `--shard` (`i/n` or `auto`) with an optional `--shard-count`. `auto` reads a Slurm job array
 * (`SLURM_ARRAY_TASK_ID`, `_COUNT`, `_MIN`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with the count
 * from `--shard-count`); explicit `i/n` is for CI matrices. Contradictions (both schedulers, a count that
 * disagrees) and an `auto` with no scheduler are `ShardResolutionError`s.
 */
export function resolveShard(spec: string, env: ShardEnvironment, shardCount?: number): ResolvedShard {
  if (shardCount !== undefined && (!Number.isInteger(shardCount) || shardCount < 1)) {
    throw new ShardResolutionError(`--shard-count ${shardCount} is not an integer >= 1.`);
  }
  if (spec.trim() !== 'auto') {
    const shard = parseShard(spec);
    if (shardCount !== undefined && shardCount !== shard.count) {
      throw new ShardResolutionError(
        `--shard ${spec} says ${shard.count} shards but --shard-count says ${shardCount}.`,
        'Give one of them, or the same count in both.',
      );
    }
    return { shard, source: 'explicit', description: `shard ${shard.index}/${shard.count} (given)` };
  }
  const slurm = env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '';
  const kubernetes = env[K8S_VAR] !== undefined && env[K8S_VAR] !== '';
  if (slurm && kubernetes) {
    throw new ShardResolutionError(
      `--shard auto found both a Slurm array task (SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID}) and a Kubernetes index (${K8S_VAR}=${env[K8S_VAR]}).`,
      'Unset the one that does not belong to this run, or pass --shard i/n.',
    );
  }
  if (slurm) {
    const shard = slurmShard(env, shardCount);
    const job = env.SLURM_ARRAY_JOB_ID ? ` job ${env.SLURM_ARRAY_JOB_ID}` : '';
    return {
      shard,
      source: 'slurm',
      description: `shard ${shard.index}/${shard.count} from the Slurm array${job} (${shown(env, SLURM_VARS)})`,
    };
  }
  if (kubernetes) {
    const shard = kubernetesShard(env, shardCount);
    return {
      shard,
      source: 'kubernetes',
      description: `shard ${shard.index}/${shard.count} from the Kubernetes Indexed Job (${K8S_VAR}=${env[K8S_VAR]}, --shard-count ${shardCount})`,
    };
  }
  throw new ShardResolutionError(
    `--shard auto found no scheduler: none of SLURM_ARRAY_TASK_ID (Slurm job array) or ${K8S_VAR} (Kubernetes Indexed Job) is set.`,
    'Run it as a Slurm array task or a Kubernetes Indexed Job (`--emit slurm|k8s` writes one), or pass --shard i/n (CI matrices).',
  );
}
