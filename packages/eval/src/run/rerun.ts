import { shellCommand, shellQuote } from '../jobs/lasot-job.js';
import type { RunManifest } from './run-lasot.js';
import type { Shard } from './shard.js';

/** How to rerun some shards of a set by hand. */
export interface RerunPlan {
  /** The shards, `i/n`, in order. */
  shards: string[];
  /** One command a shard, e.g. `track-eval lasot --root ... --shard 2/4`. */
  commands: string[];
  /** The 0-based Slurm array indices of the shards, e.g. `1,3` (what `--emit slurm` numbers task k as shard k+1). */
  slurmArray: string;
  /** `sbatch --array=1,3 <script>` when the shards ran from a script `--emit slurm` wrote (else a placeholder). */
  sbatch: string | undefined;
}

/**
 * The commands that rerun `shards`, built from the argv and job script the shard manifests recorded. The first
 * manifest that recorded them is used: every shard of one set runs the same command but for its shard.
 * `undefined` when there is nothing to rerun.
 */
export function rerunPlan(shards: readonly Shard[], manifests: readonly RunManifest[]): RerunPlan | undefined {
  if (shards.length === 0) return undefined;
  const sorted = [...new Map(shards.map((s) => [s.index, s])).values()].sort((a, b) => a.index - b.index);
  const recorded = manifests.find((m) => m.rerun)?.rerun;
  const argv = recorded?.argv ?? ['track-eval', 'lasot', '<the options of the shard runs>'];
  const script = manifests.find((m) => m.rerun?.jobScript)?.rerun?.jobScript;
  const slurmArray = sorted.map((s) => s.index - 1).join(',');
  const fromSlurm = manifests.some((m) => m.shardSource?.includes('Slurm'));
  return {
    shards: sorted.map((s) => `${s.index}/${s.count}`),
    commands: sorted.map((s) => shellCommand([...argv, '--shard', `${s.index}/${s.count}`])),
    slurmArray,
    sbatch:
      script !== undefined
        ? `sbatch --array=${slurmArray} ${shellQuote(script)}`
        : fromSlurm
          ? `sbatch --array=${slurmArray} <the script the array was submitted with>`
          : undefined,
  };
}
