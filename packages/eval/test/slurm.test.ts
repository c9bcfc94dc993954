/**
 * The emitted sbatch script on a real (single-node) Slurm cluster: a sharded `track-eval lasot` over synthetic
 * sequences with the tiny zoo on ort-cpu, one task killed midway and requeued (`scontrol requeue`), the shards
 * merged, and the merged results and scores compared with an unsharded run's. Skips with a printed reason where
 * Slurm cannot start (not root, slurm-wlm/munge missing, daemons refusing to come up) or the CLI is not built.
 */
import { execFile as execFileCb } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticDataset } from '../src/index.js';
import type { RunManifest } from '../src/run/run-lasot.js';
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from './slurm-cluster.js';

const execFile = promisify(execFileCb);
/** The built CLI: the job runs it as a user's would (the tests' TypeScript sources do not run under Slurm). */
const BIN = fileURLToPath(new URL('../bin/track-eval.js', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));

let cluster: SlurmCluster | undefined;
let skipReason: string | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-slurm-'));
  skipReason = await slurmUnavailable();
  if (
    !skipReason &&
    !(await access(DIST).then(
      () => true,
      () => false,
    ))
  ) {
    skipReason = `the track-eval CLI is not built (${DIST}); run npm run build`;
  }
  if (skipReason) return;
  try {
    cluster = await startSlurmCluster(join(dir, 'cluster'));
  } catch (error) {
    skipReason = (error as Error).message;
  }
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

function trackEval(args: string[], env?: NodeJS.ProcessEnv) {
  return execFile(process.execPath, [BIN, ...args], { env: env ?? process.env, maxBuffer: 1 << 24 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Each array task's state and restart count, from the controller (`scontrol show job` lists every task). */
async function tasks(c: SlurmCluster, jobId: string): Promise<Map<number, { state: string; restarts: number }>> {
  const text = await c.run('scontrol', ['show', 'job', jobId]);
  const found = new Map<number, { state: string; restarts: number }>();
  for (const record of text.split(/\n(?=JobId=)/)) {
    const task = /ArrayTaskId=(\d+)/.exec(record);
    const state = /JobState=(\w+)/.exec(record);
    const restarts = /Restarts=(\d+)/.exec(record);
    if (task && state) found.set(Number(task[1]), { state: state[1]!, restarts: Number(restarts?.[1] ?? 0) });
  }
  return found;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY']);

describe('track-eval lasot --emit slurm on a real Slurm cluster', () => {
  it('runs the array, survives a task requeued midway, and merges to what an unsharded run gives', async (ctx) => {
    if (!cluster) {
      console.warn(`skipped: ${skipReason}`);
      ctx.skip();
      return;
    }
    const c = cluster;
    const zoo = join(dir, 'zoo');
    const root = join(dir, 'lasot');
    await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 3, outliers: false });
    // Two lengths: shard 1 of 2 gets ant-1 (16 frames) then zebra-1 (40), so a kill after ant-1 lands midway.
    const synth = { outDir: root, seed: 4, width: 160, height: 120 };
    await generateSyntheticDataset({ ...synth, className: 'ant', sequences: 2, frames: 16 });
    await generateSyntheticDataset({ ...synth, className: 'zebra', sequences: 2, frames: 40 });
    const common = ['--root', root, '--models', zoo, '--stack', 'ort-cpu', '--threads', '1'];

    const sharded = join(dir, 'sharded');
    const script = join(dir, 'lasot.sbatch');
    await trackEval([
      'lasot',
      ...common,
      '--out',
      sharded,
      '--emit',
      'slurm',
      '--shard-count',
      '2',
      '--gpus-per-task',
      '0',
      '--emit-file',
      script,
      '--job-command',
      `${process.execPath} ${BIN}`,
    ]);
    const jobId = (await c.run('sbatch', ['--parsable', script])).trim().split(';')[0]!;

    // Kill task 0 once its first sequence is written and its second is under way, and put it back in the queue.
    const manifest1 = join(sharded, 'run-shard-1-of-2.json');
    let requeued = false;
    for (let i = 0; i < 600 && !requeued; i++) {
      if ((await exists(join(sharded, 'ant-1.txt'))) && !(await exists(join(sharded, 'zebra-1.txt')))) {
        await c.run('scontrol', ['requeue', `${jobId}_0`]);
        requeued = true;
      } else await sleep(50);
    }
    expect(requeued, 'task 0 was caught between its two sequences').toBe(true);
    // The requeued task may start again after the cluster's cred_expire (10 s here, 120 s by default).
    let states = await tasks(c, jobId);
    for (let i = 0; i < 600 && ![0, 1].every((t) => FINISHED.has(states.get(t)?.state ?? '')); i++) {
      await sleep(200);
      states = await tasks(c, jobId);
    }
    const log = (task: number) => readFile(join(sharded, 'logs', `track-eval-ort-cpu-${jobId}_${task}.out`), 'utf8');
    expect(Object.fromEntries(states), `task 0 log:\n${await log(0).catch(String)}\n${await c.logs()}`).toEqual({
      0: { state: 'COMPLETED', restarts: 1 },
      1: { state: 'COMPLETED', restarts: 0 },
    });

    // The requeued task ran again (restart 1, appended to the same log) and kept the sequence it had finished.
    const log0 = await log(0);
    expect(log0).toMatch(/restart 0/);
    expect(log0).toMatch(/restart 1/);
    expect(log0).toContain('shard 1/2 from the Slurm array');
    const shard1: RunManifest = JSON.parse(await readFile(manifest1, 'utf8'));
    expect(shard1.sequences.map((s) => [s.name, s.status])).toEqual([
      ['ant-1', 'skipped'],
      ['zebra-1', 'tracked'],
    ]);
    expect(shard1.rerun?.jobScript).toBe(script);

    const results = join(dir, 'results');
    await trackEval(['merge', sharded, '-o', results]);
    const merged = join(dir, 'merged');
    await rename(results, merged);
    // The unsharded run, outside Slurm, into the same path the merge used: the score reports name it.
    const plain = await trackEval(['lasot', ...common, '--out', results]);
    expect(plain.stderr).not.toContain('shard');
    const score = async () =>
      (await trackEval(['score', '--root', root, '--results', results, '--label', 'ort-cpu', '--json'])).stdout;
    const unshardedScore = await score();
    const unsharded = join(dir, 'unsharded');
    await rename(results, unsharded);
    await rename(merged, results);
    expect(await score()).toBe(unshardedScore);
    for (const file of (await readdir(unsharded)).filter((f) => f.endsWith('.txt'))) {
      expect(await readFile(join(results, file), 'utf8'), file).toBe(await readFile(join(unsharded, file), 'utf8'));
    }
    expect((await readdir(results)).filter((f) => f.endsWith('.txt'))).toHaveLength(4);
  }, 150_000);
});
