import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Box } from '../src/lasot/boxes.js';
import { loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import { runLasot } from '../src/run/run-lasot.js';
import { balanceShards, parseShard, selectShard, type WeightedSequence } from '../src/run/shard.js';
import { oracleTracker, tempDir, writeSequence } from './helpers.js';

/** LaSOT-like lengths: 1,000 to 10,000 frames from a fixed LCG, so every run sees the same 280 sequences. */
function lasotLike(count: number, seed = 12345): WeightedSequence[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => ({
    name: `class${i % 70}-${Math.floor(i / 70) + 1}`,
    frames: 1000 + Math.floor(next() * 9000),
  }));
}

/** What the split used to be: names sorted, dealt round-robin. */
function roundRobin(sequences: readonly WeightedSequence[], count: number): string[][] {
  const names = sequences.map((s) => s.name).sort();
  return Array.from({ length: count }, (_, k) => names.filter((_, i) => i % count === k));
}

function loads(shards: string[][], sequences: readonly WeightedSequence[]): number[] {
  const frames = new Map(sequences.map((s) => [s.name, s.frames]));
  return shards.map((names) => names.reduce((sum, n) => sum + frames.get(n)!, 0));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('balanced shards', () => {
  it('puts every sequence in exactly one shard', () => {
    const sequences = lasotLike(280);
    const shards = balanceShards(sequences, 8);
    expect(shards.flat().sort()).toEqual(sequences.map((s) => s.name).sort());
    expect(new Set(shards.flat()).size).toBe(280);
  });

  it('gives shard i of n the same set whatever order the sequences are listed in', () => {
    const sequences = lasotLike(280);
    const reference = balanceShards(sequences, 7);
    for (const seed of [1, 2, 3]) expect(balanceShards(shuffled(sequences, seed), 7)).toEqual(reference);
    expect(selectShard(shuffled(sequences, 9), { index: 3, count: 7 })).toEqual(reference[2]);
  });

  it('breaks ties between equal lengths by name, so equal sequences still split the same everywhere', () => {
    const equal = ['d-1', 'a-1', 'c-1', 'b-1', 'e-1'].map((name) => ({ name, frames: 100 }));
    expect(balanceShards(equal, 2)).toEqual([
      ['a-1', 'c-1', 'e-1'],
      ['b-1', 'd-1'],
    ]);
  });

  it('balances frames much better than round robin by name on LaSOT-like lengths', () => {
    for (const [count, n] of [
      [280, 8],
      [280, 16],
      [70, 4],
    ] as const) {
      const sequences = lasotLike(count, count * 31 + n);
      const mean = sequences.reduce((sum, s) => sum + s.frames, 0) / n;
      const balanced = loads(balanceShards(sequences, n), sequences);
      const dealt = loads(roundRobin(sequences, n), sequences);
      const longest = Math.max(...sequences.map((s) => s.frames));
      // Greedy longest-first: no shard is more than one sequence longer than the shortest shard.
      expect(Math.max(...balanced) - Math.min(...balanced)).toBeLessThanOrEqual(longest);
      expect(Math.max(...balanced)).toBeLessThan(Math.max(...dealt));
      // The slowest shard sets the wall time: within 2 % of the mean here, where round robin is not.
      expect(Math.max(...balanced) / mean, `${count} sequences in ${n} shards`).toBeLessThan(1.02);
      expect(Math.max(...dealt) / mean).toBeGreaterThan(Math.max(...balanced) / mean);
    }
  });

  it('BAD CALL - refuses a count below 1 and a sequence listed twice', () => {
    expect(() => balanceShards([{ name: 'a-1', frames: 1 }], 0)).toThrow(RangeError);
    expect(() =>
      balanceShards(
        [
          { name: 'a-1', frames: 1 },
          { name: 'a-1', frames: 2 },
        ],
        2,
      ),
    ).toThrow(/listed twice/);
  });

  it('parses i/n and rejects shards outside 1..n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/1 <= i <= n/);
    expect(() => parseShard('5/4')).toThrow(/1 <= i <= n/);
    expect(() => parseShard('two')).toThrow(/not i\/n/);
  });
});

describe('runLasot shards weigh the frame counts read from the dataset', () => {
  it('a long sequence gets a shard of its own; the manifest lists what the shard was given, with frames', async () => {
    const root = await tempDir();
    const lengths: Record<string, number> = { 'cat-1': 4, 'cat-2': 4, 'cat-3': 12, 'cat-4': 4 };
    for (const [name, frames] of Object.entries(lengths)) {
      await writeSequence(
        root,
        name,
        Array.from({ length: frames }, (_, i): Box => [10 + i, 10, 20, 20]),
      );
    }
    const ds = await openLasotDataset(root);
    const sequences = await Promise.all(ds.sequences.map(loadSequence));
    const out = await tempDir();
    const first = await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index: 1, count: 2 } });
    const second = await runLasot(ds, oracleTracker(sequences), { outDir: out, shard: { index: 2, count: 2 } });
    // Round robin by name would have paired cat-3 (12 frames) with cat-1: 16 against 8.
    expect(first.sequences.map((s) => s.name)).toEqual(['cat-3']);
    expect(second.sequences.map((s) => s.name)).toEqual(['cat-1', 'cat-2', 'cat-4']);
    const manifest = JSON.parse(await readFile(join(out, 'run-shard-2-of-2.json'), 'utf8'));
    expect(manifest.assigned).toEqual(['cat-1', 'cat-2', 'cat-4'].map((name) => ({ name, frames: 4 })));
  });
});
