import { type LasotJobOptions, lasotArgv } from './lasot-job.js';

/** Options of `kubernetesIndexedJob`. */
export interface KubernetesJobOptions {
  /** Number of shards: completions = parallelism = shards, indices 0..shards-1. */
  shards: number;
  /** Container image with track-eval (and the stack's runtime) installed. */
  image: string;
  /** GPUs per pod (`nvidia.com/gpu`); 0 requests none. Default 1. */
  gpusPerPod?: number;
  /** Default `track-eval-<stack>` (lower-cased, made a DNS label). */
  name?: string;
  namespace?: string;
  /** A PersistentVolumeClaim mounted at `mountPath`, holding the dataset, the models and the results. */
  volumeClaim?: string;
  /** Default `/data`. */
  mountPath?: string;
  /** Retries of one index before it counts as failed (the others go on). Default 3. */
  backoffLimitPerIndex?: number;
}

/** A Kubernetes manifest object (JSON, which `kubectl apply -f` reads as well as YAML). */
export type KubernetesJob = Record<string, unknown> & { apiVersion: 'batch/v1'; kind: 'Job' };

function dnsLabel(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'track-eval'
  );
}

/**
 * A `batch/v1` Indexed Job that runs a LaSOT evaluation, one pod per shard: each pod's `JOB_COMPLETION_INDEX`
 * and the `--shard-count` in its command make its shard (`--shard auto`). `backoffLimitPerIndex` retries a
 * failed index on its own (its pod resumes from the finished sequences in the shared results folder) without
 * failing the whole Job; it needs `restartPolicy: Never`. One `nvidia.com/gpu` per pod.
 */
export function kubernetesIndexedJob(run: LasotJobOptions, job: KubernetesJobOptions): KubernetesJob {
  if (!Number.isInteger(job.shards) || job.shards < 1) throw new RangeError(`shards must be >= 1, got ${job.shards}`);
  const gpus = job.gpusPerPod ?? 1;
  const command = [...lasotArgv(run), '--shard', 'auto', '--shard-count', String(job.shards)];
  const mountPath = job.mountPath ?? '/data';
  const container: Record<string, unknown> = {
    name: 'track-eval',
    image: job.image,
    command,
    ...(gpus > 0 ? { resources: { limits: { 'nvidia.com/gpu': gpus } } } : {}),
    ...(job.volumeClaim === undefined ? {} : { volumeMounts: [{ name: 'data', mountPath }] }),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: dnsLabel(job.name ?? `track-eval-${run.stack}`),
      ...(job.namespace === undefined ? {} : { namespace: job.namespace }),
      labels: { 'app.kubernetes.io/name': 'track-eval', 'app.kubernetes.io/component': 'lasot-shards' },
    },
    spec: {
      completionMode: 'Indexed',
      completions: job.shards,
      parallelism: job.shards,
      backoffLimitPerIndex: job.backoffLimitPerIndex ?? 3,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          ...(job.volumeClaim === undefined
            ? {}
            : { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: job.volumeClaim } }] }),
        },
      },
    },
  };
}
