import { SeededRandom } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { evaluationBudget, findMinimalSet, type SetPredicate } from '../src/bisect/search.js';

/** Deterministic random numbers, so every random case is reproducible from its seed. */
function rng(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

function pickCulprits(n: number, k: number, random: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

/** The module passes when every culprit stays FP32 (independent culprits). */
const needsAll =
  (culprits: readonly number[]): SetPredicate =>
  async (set) =>
    culprits.every((c) => set.includes(c));

/** Checks the contract on a predicate: result passes, dropping any member fails (1-minimal). */
async function expectOneMinimal(set: number[], predicate: SetPredicate): Promise<void> {
  expect(await predicate(set)).toBe(true);
  for (const member of set) expect(await predicate(set.filter((c) => c !== member))).toBe(false);
}

describe('findMinimalSet', () => {
  it('returns the empty set after one evaluation when nothing needs FP32 (k = 0)', async () => {
    const result = await findMinimalSet(64, async () => true);
    expect(result).toMatchObject({ status: 'found', set: [], evaluations: 1 });
  });

  it('reports unreachable when even every candidate in FP32 fails', async () => {
    const result = await findMinimalSet(10, async () => false);
    expect(result.status).toBe('unreachable');
    expect(result.evaluations).toBe(2);
  });

  it('finds every culprit when all candidates are culprits (k = n)', async () => {
    const n = 6;
    const culprits = Array.from({ length: n }, (_, i) => i);
    const result = await findMinimalSet(n, needsAll(culprits));
    expect(result.set).toEqual(culprits);
    expect(result.evaluations).toBeLessThanOrEqual(evaluationBudget(n, n));
  });

  it('finds random culprit sets exactly, 1-minimal, within 2 k ceil(log2 n) + 2 evaluations', async () => {
    const random = rng(42);
    for (let trial = 0; trial < 60; trial++) {
      const n = 4 + Math.floor(random() * 400);
      const k = Math.floor(random() * Math.min(8, n + 1));
      const culprits = pickCulprits(n, k, random);
      const predicate = needsAll(culprits);
      const result = await findMinimalSet(n, predicate);
      expect(result.set).toEqual(culprits);
      await expectOneMinimal(result.set, predicate);
      expect(result.evaluations).toBeLessThanOrEqual(evaluationBudget(k, n));
      expect(result.evaluations).toBeLessThanOrEqual(2 * k * Math.ceil(Math.log2(n)) + 2);
    }
  });

  it('finds a culprit set that is not a prefix or suffix of the candidate order', async () => {
    const culprits = [3, 17, 40];
    const result = await findMinimalSet(64, needsAll(culprits));
    expect(result.set).toEqual(culprits);
  });

  it('keeps one of two interchangeable fixes (either of two nodes repairs the same overflow)', async () => {
    // Passes when 5 is FP32 and at least one of {20, 30} is: the answer must hold 5 and exactly one of them.
    const predicate: SetPredicate = async (set) => set.includes(5) && (set.includes(20) || set.includes(30));
    const result = await findMinimalSet(50, predicate);
    expect(result.set).toContain(5);
    expect(result.set.filter((c) => c === 20 || c === 30)).toHaveLength(1);
    await expectOneMinimal(result.set, predicate);
    expect(result.evaluations).toBeLessThanOrEqual(evaluationBudget(result.set.length, 50));
  });

  it('needs both members of an interacting pair only together (error budget shared by two nodes)', async () => {
    // Each culprit adds error 1; the tolerance allows 1 in total: culprits {2, 9, 11} -> any two must be FP32.
    const culprits = [2, 9, 11];
    const predicate: SetPredicate = async (set) => culprits.filter((c) => !set.includes(c)).length <= 1;
    const result = await findMinimalSet(16, predicate);
    expect(result.set).toHaveLength(2);
    await expectOneMinimal(result.set, predicate);
    expect(result.evaluations).toBeLessThanOrEqual(evaluationBudget(2, 16));
  });

  it('still returns a passing set when the predicate is not monotone', async () => {
    // Adding node 0 to FP32 hurts (breaks monotonicity); node 7 is the real culprit.
    const predicate: SetPredicate = async (set) => set.includes(7) && (!set.includes(0) || set.includes(3));
    const result = await findMinimalSet(12, predicate);
    expect(result.status).toBe('found');
    expect(await predicate(result.set)).toBe(true);
  });

  it('evaluates no set twice', async () => {
    const seen = new Set<string>();
    const predicate: SetPredicate = async (set) => {
      const key = set.join(',');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      return [1, 8].every((c) => set.includes(c));
    };
    const result = await findMinimalSet(32, predicate);
    expect(result.evaluations).toBe(seen.size);
  });

  it('BAD CALL - rejects a negative candidate count', async () => {
    await expect(findMinimalSet(-1, async () => true)).rejects.toThrow(RangeError);
    expect(() => evaluationBudget(3, 2)).toThrow(/0 <= k <= n/);
  });
});
