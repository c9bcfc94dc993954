/** Sharded runs into one folder, merge's completeness check against the split, and merged == unsharded. */
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import type { Box } from '../src/lasot/boxes.js';
import { loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import { MergeIncompleteError, mergeShardOutputs } from '../src/run/merge.js';
import { runLasot } from '../src/run/run-lasot.js';
import { scoreResults } from '../src/run/score-results.js';
import { captureIo, oracleTracker, tempDir, writeSequence } from './helpers.js';

/** Sequences of different lengths whose boxes drift, so a shifted oracle scores below 1. */
async function dataset(lengths: Record<string, number>) {
  const root = await tempDir();
  for (const [name, frames] of Object.entries(lengths)) {
    await writeSequence(
      root,
      name,
      Array.from({ length: frames }, (_, i): Box => [10 + 2 * i, 12 + i, 20 + (i % 5), 18]),
    );
  }
  const ds = await openLasotDataset(root);
  return { ds, sequences: await Promise.all(ds.sequences.map(loadSequence)) };
}

const LENGTHS = { 'bird-1': 9, 'bird-2': 4, 'cat-1': 7, 'cat-2': 5, 'dog-1': 6, 'dog-2': 3 };

/** Stands in for a kill: stops the run at frame 2 of the first sequence it tracks. */
function killMidway() {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onProgress: (p: { frame: number; skipped: boolean }) => {
      if (!p.skipped && p.frame === 2) controller.abort();
    },
  };
}

describe('shards sharing one results folder', () => {
  it('run at the same time, each writes only the sequences it was given and its own manifest', async () => {
    const { ds, sequences } = await dataset(LENGTHS);
    const out = await tempDir();
    // Each shard's oracle is shifted by its index, so a result file tells which shard wrote it.
    const manifests = await Promise.all(
      [1, 2, 3].map((index) =>
        runLasot(ds, oracleTracker(sequences, index), { outDir: out, shard: { index, count: 3 } }),
      ),
    );
    const files = (await readdir(out)).sort();
    expect(files).toEqual(
      [
        ...Object.keys(LENGTHS).map((n) => `${n}.txt`),
        'run-shard-1-of-3.json',
        'run-shard-2-of-3.json',
        'run-shard-3-of-3.json',
      ].sort(),
    );
    const owners = new Map<string, number>();
    for (const [i, manifest] of manifests.entries()) {
      for (const { name } of manifest.assigned!) {
        expect(owners.has(name), `${name} given to two shards`).toBe(false);
        owners.set(name, i + 1);
      }
    }
    for (const sequence of sequences) {
      const firstTracked = (await readFile(join(out, `${sequence.name}.txt`), 'utf8')).split('\n')[1]!;
      const x = Number(firstTracked.split(',')[0]);
      // Ground truth x is 12 at frame 1; the writer's shift is on top.
      expect(x - 12, sequence.name).toBe(owners.get(sequence.name));
    }
  });
});

describe('merge checks the set against the split', () => {
  it('names a shard killed midway and one never run, and prints the commands that rerun just those', async () => {
    const { ds, sequences } = await dataset(LENGTHS);
    const out = await tempDir();
    const rerun = {
      argv: ['track-eval', 'lasot', '--root', ds.root, '--stack', 'ort-cpu'],
      jobScript: '/j/job.sbatch',
    };
    const source = 'shard i/4 from the Slurm array job 9 (...)';
    await runLasot(ds, oracleTracker(sequences), {
      outDir: out,
      shard: { index: 1, count: 4 },
      rerun,
      shardSource: source,
    });
    await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index: 3, count: 4 }, rerun });
    // Shard 2 is killed midway; shard 4 never started.
    const kill = killMidway();
    const killed = runLasot(
      ds,
      oracleTracker(sequences),
      { outDir: out, shard: { index: 2, count: 4 }, rerun, signal: kill.signal },
      kill.onProgress,
    );
    await expect(killed).rejects.toThrow(/stopped/);
    const merged = await tempDir();
    const error = await mergeShardOutputs({ shardDirs: [out], outDir: merged, expected: Object.keys(LENGTHS) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MergeIncompleteError);
    const incomplete = error as MergeIncompleteError;
    expect(incomplete.message).toMatch(/shard 4\/4 of the set is not among the folders/);
    expect(incomplete.message).toMatch(/shard 2\/4 did not finish every sequence it was given/);
    expect(incomplete.rerun).toEqual({
      shards: ['2/4', '4/4'],
      commands: [
        `track-eval lasot --root ${ds.root} --stack ort-cpu --shard 2/4`,
        `track-eval lasot --root ${ds.root} --stack ort-cpu --shard 4/4`,
      ],
      slurmArray: '1,3',
      sbatch: 'sbatch --array=1,3 /j/job.sbatch',
    });
    expect(incomplete.describe()).toContain('sbatch --array=1,3 /j/job.sbatch');
    expect(await readdir(merged)).toEqual([]);
    // Rerunning just those shards (2 resumes, 4 starts) completes the set.
    for (const index of [2, 4]) {
      await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index, count: 4 }, rerun });
    }
    const summary = await mergeShardOutputs({ shardDirs: [out], outDir: merged, expected: Object.keys(LENGTHS) });
    expect(summary).toMatchObject({ missingShards: [], incompleteShards: [], rerun: undefined });
    expect(summary.sequences).toEqual(Object.keys(LENGTHS).sort());
  });

  it('track-eval merge exits 1 on a killed shard and prints the rerun command and the sbatch array indices', async () => {
    const { ds, sequences } = await dataset(LENGTHS);
    const out = await tempDir();
    const rerun = { argv: ['track-eval', 'lasot', '--root', ds.root], jobScript: '/j/my job.sbatch' };
    await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index: 1, count: 2 }, rerun });
    const kill = killMidway();
    await runLasot(
      ds,
      oracleTracker(sequences),
      { outDir: out, shard: { index: 2, count: 2 }, rerun, signal: kill.signal },
      kill.onProgress,
    ).catch(() => undefined);
    const io = captureIo();
    const merged = await tempDir();
    expect(await main(['merge', out, '-o', merged], io)).toBe(ExitCode.Failure);
    const err = io.stderr.join('');
    expect(err).toMatch(/shard 2\/2 did not finish every sequence/);
    expect(err).toContain(`track-eval lasot --root ${ds.root} --shard 2/2`);
    expect(err).toContain("sbatch --array=1 '/j/my job.sbatch'");
    expect(await readdir(merged)).toEqual([]);
  });

  it('a merged run scores byte-identically to an unsharded run of the same tracker', async () => {
    const { ds, sequences } = await dataset(LENGTHS);
    const work = await tempDir();
    const whole = join(work, 'whole');
    const shardsDir = join(work, 'shards');
    await runLasot(ds, oracleTracker(sequences, 3), { outDir: whole });
    for (const index of [1, 2, 3]) {
      await runLasot(ds, oracleTracker(sequences, 3), { outDir: shardsDir, shard: { index, count: 3 } });
    }
    const merged = join(work, 'merged');
    await mergeShardOutputs({ shardDirs: [shardsDir], outDir: merged, expected: Object.keys(LENGTHS) });
    // The report names the folder it scored: score both from one path.
    const scored = join(work, 'scored');
    const score = async (dir: string) => {
      await rename(dir, scored);
      const report = await scoreResults({ groundTruthRoot: ds.root, resultsDir: scored, label: 'ort-cpu' });
      await rename(scored, dir);
      return JSON.stringify(report, null, 2);
    };
    const unsharded = await score(whole);
    expect(unsharded).toContain('"perSequence"');
    expect(JSON.parse(unsharded).auc).toBeLessThan(1);
    expect(await score(merged)).toBe(unsharded);
  });
});
