import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Box } from '../src/lasot/boxes.js';
import { loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import { readResultFile, resultPath } from '../src/lasot/results.js';
import { mergeShardOutputs } from '../src/run/merge.js';
import { runAndScoreLasot } from '../src/run/run-and-score.js';
import { type RunProgress, runLasot } from '../src/run/run-lasot.js';
import { oracleTracker, tempDir, writeSequence } from './helpers.js';

async function dataset(names: string[], frames = 3) {
  const root = await tempDir();
  for (const name of names) {
    await writeSequence(
      root,
      name,
      Array.from({ length: frames }, (_, i): Box => [10 + i, 10, 20, 20]),
    );
  }
  const ds = await openLasotDataset(root);
  return { ds, sequences: await Promise.all(ds.sequences.map(loadSequence)) };
}

describe('runLasot', () => {
  it('prompts with the first ground-truth box, writes one result line per frame and a manifest', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2']);
    const out = await tempDir();
    const tracker = oracleTracker(sequences, 2);
    const progress: RunProgress[] = [];
    const manifest = await runLasot(ds, tracker, { outDir: out, label: 'oracle' }, (p) => progress.push(p));
    // Each call names the frame that follows (so a tracker can read it early), none after the last.
    expect(tracker.calls.slice(0, 3)).toEqual([
      'init cat-1 10,10,20,20 next 1',
      'track 1 next 2',
      'track 2 next undefined',
    ]);
    // Frame 1 is the prompt box itself; later frames are the oracle's shifted boxes.
    expect(await readFile(resultPath(out, 'cat-1'), 'utf8')).toBe('10,10,20,20\n13,10,20,20\n14,10,20,20\n');
    expect(manifest.sequences.map((s) => [s.name, s.status])).toEqual([
      ['cat-1', 'tracked'],
      ['cat-2', 'tracked'],
    ]);
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).label).toBe('oracle');
    expect(progress.at(-1)).toMatchObject({ framesDone: 6, framesTotal: 6, sequence: 'cat-2' });
  });

  it('resumes: complete results are skipped, a short result file is redone', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2']);
    const out = await tempDir();
    await runLasot(ds, oracleTracker(sequences), { outDir: out });
    await writeFile(resultPath(out, 'cat-2'), '10,10,20,20\n');
    const second = oracleTracker(sequences);
    const manifest = await runLasot(ds, second, { outDir: out });
    expect(manifest.sequences.map((s) => s.status)).toEqual(['skipped', 'tracked']);
    expect(second.calls.filter((c) => c.startsWith('init'))).toEqual(['init cat-2 10,10,20,20 next 1']);
    expect((await readResultFile(resultPath(out, 'cat-2')))!.length).toBe(12);
  });

  it('runs only its shard and names the manifest after it', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2', 'cat-3']);
    const out = await tempDir();
    const manifest = await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index: 2, count: 2 } });
    expect(manifest.sequences.map((s) => s.name)).toEqual(['cat-2']);
    expect(JSON.parse(await readFile(join(out, 'run-shard-2-of-2.json'), 'utf8')).shard).toEqual({
      index: 2,
      count: 2,
    });
  });

  it('a run stopped after any sequence keeps its timings in run.json, and the resumed run carries them over', async () => {
    const names = ['cat-1', 'cat-2', 'cat-3'];
    for (const [step, stopAt] of names.entries()) {
      const { ds, sequences } = await dataset(names);
      const out = await tempDir();
      const controller = new AbortController();
      // The stop stands in for a kill: it lands at the first frame of sequence `stopAt`, after the earlier ones.
      const stopped = runLasot(ds, oracleTracker(sequences), { outDir: out, signal: controller.signal }, (p) => {
        if (p.sequence === stopAt && !p.skipped) controller.abort();
      });
      await expect(stopped).rejects.toThrow(/stopped/);
      const before = JSON.parse(await readFile(join(out, 'run.json'), 'utf8').catch(() => '{"sequences":[]}'));
      expect(before.sequences.map((r: { name: string }) => r.name)).toEqual(names.slice(0, step));
      const resumed = await runLasot(ds, oracleTracker(sequences), { outDir: out, label: 'resumed' });
      expect(resumed.sequences.map((r) => r.status)).toEqual(names.map((_, i) => (i < step ? 'skipped' : 'tracked')));
      for (const [i, record] of resumed.sequences.entries()) {
        expect(record.trackMs, `${record.name} after a stop at ${stopAt}`).toBeGreaterThanOrEqual(0);
        if (i < step) expect(record.trackMs).toBe(before.sequences[i].trackMs);
      }
      expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({ label: 'resumed' });
    }
  });

  it('stops between frames when aborted and keeps the sequences already written', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2']);
    const out = await tempDir();
    const controller = new AbortController();
    const run = runLasot(ds, oracleTracker(sequences), { outDir: out, signal: controller.signal }, (p) => {
      if (p.sequence === 'cat-2') controller.abort();
    });
    await expect(run).rejects.toThrow(/stopped/);
    expect(await readResultFile(resultPath(out, 'cat-1'))).toBeDefined();
    expect(await readResultFile(resultPath(out, 'cat-2'))).toBeUndefined();
  });
});

describe('runAndScoreLasot', () => {
  it('scores a whole run and leaves a shard run unscored until merged', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2']);
    const whole = await runAndScoreLasot(oracleTracker(sequences), {
      root: ds.root,
      outDir: await tempDir(),
      label: 'o',
    });
    // The oracle is exact: AUC 20/21 per sequence.
    expect(whole.score?.auc).toBeCloseTo(20 / 21, 12);
    const shard = await runAndScoreLasot(oracleTracker(sequences), {
      root: ds.root,
      outDir: await tempDir(),
      label: 'o',
      shard: { index: 1, count: 2 },
    });
    expect(shard.score).toBeUndefined();
    expect(shard.manifest.sequences.map((s) => s.name)).toEqual(['cat-1']);
  });
});

describe('merge', () => {
  it('combines shard folders and reports the sequences no shard produced', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2', 'cat-3']);
    const shard1 = await tempDir();
    const shard2 = await tempDir();
    await runLasot(ds, oracleTracker(sequences), { outDir: shard1, shard: { index: 1, count: 2 } });
    await runLasot(ds, oracleTracker(sequences), { outDir: shard2, shard: { index: 2, count: 2 } });
    const out = await tempDir();
    const summary = await mergeShardOutputs({
      shardDirs: [shard1, shard2],
      outDir: out,
      expected: ['cat-1', 'cat-2', 'cat-3', 'cat-4'],
      allowIncomplete: true,
    });
    expect(summary.sequences).toEqual(['cat-1', 'cat-2', 'cat-3']);
    expect(summary.missing).toEqual(['cat-4']);
    expect(summary.missingShards).toEqual([]);
    expect(summary.manifest.sequences.every((s) => s.status === 'tracked')).toBe(true);
    expect(await readFile(resultPath(out, 'cat-2'), 'utf8')).toBe(await readFile(resultPath(shard2, 'cat-2'), 'utf8'));
  });

  it('BAD CALL - refuses a shard set with a shard missing, or a split sequence without a result, writing nothing', async () => {
    const { ds, sequences } = await dataset(['cat-1', 'cat-2', 'cat-3']);
    const shard1 = await tempDir();
    await runLasot(ds, oracleTracker(sequences), { outDir: shard1, shard: { index: 1, count: 2 } });
    const out = await tempDir();
    await expect(mergeShardOutputs({ shardDirs: [shard1], outDir: out })).rejects.toMatchObject({
      code: 'MERGE_INCOMPLETE',
      message: expect.stringMatching(/shard 2\/2 of the set is not among the folders.*Nothing was written/),
    });
    await expect(
      mergeShardOutputs({ shardDirs: [shard1], outDir: out, expected: ['cat-1', 'cat-3', 'cat-9'] }),
    ).rejects.toThrow(/1 expected sequence\(s\) have no result: cat-9/);
    expect(await readdir(out)).toEqual([]);
    const partial = await mergeShardOutputs({ shardDirs: [shard1], outDir: out, allowIncomplete: true });
    expect(partial.missingShards).toEqual(['2/2']);
  });

  it('BAD CALL - refuses two shards with different results for one sequence, writing nothing', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await writeFile(resultPath(a, 'cat-1'), '1,1,2,2\n');
    await writeFile(resultPath(b, 'cat-1'), '1,1,3,3\n');
    const out = await tempDir();
    await expect(mergeShardOutputs({ shardDirs: [a, b], outDir: out })).rejects.toThrow(/cat-1 differs/);
    expect(await readResultFile(resultPath(out, 'cat-1'))).toBeUndefined();
  });
});
