// The verdict statistics on sample sets whose right answer is known from their construction: identical
// distributions (no change), a multiplied copy (a change of exactly that factor), load that hits both sides of
// an interleaved round alike, and a load shift between two separate runs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import {
  bootstrapRatio,
  compareReports,
  judgeRatio,
  MIN_SAMPLES,
  normalApproximationRatio,
  type PairedRound,
  pairedRoundsRatio,
  pairRounds,
} from '../src/index.js';
import { latencySamples, report, sampledModule, stats } from './report-fixtures.js';

/** Interleaved rounds: round r multiplies both sides by the load factor of that round. */
function loadedRounds(rounds: number, perRound: number, seed: number, slowdown: number, loadSeed = 99): PairedRound[] {
  const load = new SeededRandom(loadSeed);
  return Array.from({ length: rounds }, (_, r) => {
    const factor = 1 + load.next(); // 1x..2x: another process took up to half the machine
    return {
      baseline: latencySamples(10, perRound, seed * 1000 + r, { load: () => factor }),
      current: latencySamples(10 * slowdown, perRound, seed * 1000 + r + 500, { load: () => factor }),
    };
  });
}

describe('bootstrapRatio', () => {
  it('finds a multiplied copy: the ratio is the factor and the interval excludes no change', () => {
    const base = latencySamples(10, 60, 1);
    const slower = base.map((s) => s * 1.2);
    const interval = bootstrapRatio(base, slower);
    expect(interval.ratio).toBeCloseTo(1.2, 12);
    expect(interval.low).toBeGreaterThan(1);
    expect(interval.high).toBeGreaterThanOrEqual(1.2);
    expect(judgeRatio(interval, 0.05).verdict).toBe('regression');
    expect(judgeRatio(bootstrapRatio(slower, base), 0.05).verdict).toBe('improvement');
  });

  it('covers no change in at least 90% of 200 pairs drawn from one distribution (nominal 95%)', () => {
    let covered = 0;
    let regressions = 0;
    for (let trial = 0; trial < 200; trial += 1) {
      const interval = bootstrapRatio(latencySamples(10, 40, 2 * trial), latencySamples(10, 40, 2 * trial + 1), {
        resamples: 400,
        seed: trial + 1,
      });
      if (interval.low <= 1 && interval.high >= 1) covered += 1;
      if (judgeRatio(interval, 0.05).verdict === 'regression') regressions += 1;
    }
    expect(covered).toBeGreaterThanOrEqual(180);
    expect(regressions).toBe(0);
  });

  it('gives the same interval for the same input (seeded resampling)', () => {
    const [a, b] = [latencySamples(5, 30, 3), latencySamples(5, 30, 4)];
    expect(bootstrapRatio(a, b)).toEqual(bootstrapRatio(a, b));
  });

  it('calls a load shift between two separate runs a change: only a control can tell it from one', () => {
    // Identical distributions, but the current run had the machine 8% slower throughout.
    const interval = bootstrapRatio(latencySamples(10, 80, 5), latencySamples(10, 80, 6, { load: () => 1.08 }));
    expect(judgeRatio(interval, 0.05).verdict).toBe('regression');
    // The control measured that 8%: widened by it, the verdict is refused rather than wrong.
    expect(judgeRatio(interval, 0.05, Math.log(1.08)).verdict).toBe('too-noisy');
  });

  it(`BAD CALL - refuses fewer than ${MIN_SAMPLES} samples on a side`, () => {
    expect(() => bootstrapRatio([1, 2, 3, 4], latencySamples(1, 10, 1))).toThrow(RangeError);
  });
});

describe('pairedRoundsRatio', () => {
  it('keeps identical distributions unchanged under load that changes from round to round', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const interval = pairedRoundsRatio(loadedRounds(12, 5, seed, 1));
      expect(judgeRatio(interval, 0.05).verdict).not.toBe('regression');
      expect(interval.low).toBeLessThanOrEqual(1.0001);
      expect(interval.high).toBeGreaterThanOrEqual(0.9999);
    }
  });

  it('finds a 20% slowdown under the same load', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const interval = pairedRoundsRatio(loadedRounds(12, 5, seed, 1.2));
      expect(interval.method).toBe('paired-rounds');
      expect(interval.ratio).toBeGreaterThan(1.1);
      expect(judgeRatio(interval, 0.05).verdict).toBe('regression');
    }
  });

  it('groups samples by round index, leaving out rounds with one side only in the interval', () => {
    const rounds = pairRounds(
      { samplesMs: [1, 2, 3, 4], sampleRounds: [0, 0, 1, 2] },
      { samplesMs: [5, 6, 7], sampleRounds: [1, 0, 0] },
    );
    expect(rounds).toEqual([
      { baseline: [1, 2], current: [6, 7] },
      { baseline: [3], current: [5] },
      { baseline: [4], current: [] },
    ]);
  });

  it('BAD CALL - needs two rounds with both sides', () => {
    expect(() => pairedRoundsRatio([{ baseline: latencySamples(1, 9, 1), current: [] }])).toThrow(RangeError);
  });
});

describe('normalApproximationRatio', () => {
  it('gives an interval about as wide as the bootstrap on log-normal samples', () => {
    const [a, b] = [latencySamples(10, 200, 7, { cv: 0.05 }), latencySamples(10, 200, 8, { cv: 0.05 })];
    const boot = bootstrapRatio(a, b);
    const approx = normalApproximationRatio(stats(10, 0.05, 200), stats(10, 0.05, 200));
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(width(approx) / width(boot)).toBeGreaterThan(0.5);
    expect(width(approx) / width(boot)).toBeLessThan(2);
    expect(approx.method).toBe('normal-approximation');
  });
});

describe('judgeRatio', () => {
  const at = (ratio: number, low: number, high: number) => ({
    ratio,
    low,
    high,
    quantile: 0.5,
    method: 'bootstrap' as const,
  });

  it('calls a significant change below the minimum effect unchanged', () => {
    expect(judgeRatio(at(1.02, 1.01, 1.03), 0.05).verdict).toBe('unchanged');
  });

  it('calls an interval that allows both no change and a large change too noisy', () => {
    const judged = judgeRatio(at(1.1, 0.95, 1.3), 0.05);
    expect(judged.verdict).toBe('too-noisy');
    expect(judged.reason).toContain('allows both no change and a change beyond 5.0%');
  });

  it('widens the interval by the drift on both sides', () => {
    const judged = judgeRatio(at(1.3, 1.2, 1.4), 0.05, Math.log(1.1));
    expect(judged.low).toBeCloseTo(1.2 / 1.1, 12);
    expect(judged.high).toBeCloseTo(1.4 * 1.1, 12);
    expect(judged.verdict).toBe('regression');
    expect(judgeRatio(at(1.3, 1.2, 1.4), 0.05, Math.log(1.25)).verdict).toBe('too-noisy');
  });

  it('BAD CALL - rejects a minimum effect outside [0, 1) and a negative drift', () => {
    expect(() => judgeRatio(at(1, 1, 1), 1)).toThrow(RangeError);
    expect(() => judgeRatio(at(1, 1, 1), 0.05, -0.1)).toThrow(RangeError);
  });
});

describe('recorded interleaved runs under load (fixtures/interleaved-chain-under-load.json)', () => {
  interface Recorded {
    cases: Record<
      'aa' | 'ab',
      Record<'baseline' | 'current', Record<string, { samplesMs: number[]; sampleRounds: number[] }>>
    >;
  }
  const recorded: Recorded = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', 'interleaved-chain-under-load.json'), 'utf8'),
  );
  const side = (name: 'aa' | 'ab', which: 'baseline' | 'current') =>
    report({
      interleaved: { id: name, side: which, rounds: 40, iterationsPerRound: 5 },
      modules: Object.entries(recorded.cases[name][which]).map(([module, s]) =>
        sampledModule(module, s.samplesMs, module === 'control' ? 'same' : `${name}-${which}`, s.sampleRounds),
      ),
    });

  it('calls the re-exported model no regression and the 6-layer model a regression, with the copy as control', () => {
    const aa = compareReports(side('aa', 'baseline'), side('aa', 'current'));
    const ab = compareReports(side('ab', 'baseline'), side('ab', 'current'));
    const chain = (c: typeof aa) => c.rows.find((r) => r.module === 'chain')!;
    expect(chain(aa).verdict).not.toBe('regression');
    expect(chain(aa).interval!.ratio).toBeGreaterThan(0.95);
    expect(chain(aa).interval!.ratio).toBeLessThan(1.05);
    expect(chain(ab).verdict).toBe('regression');
    // 6 MatMuls against 5: the measured ratio is near 6/5, a little under it (each run's fixed cost).
    expect(chain(ab).interval!.ratio).toBeGreaterThan(1.1);
    expect(chain(ab).interval!.ratio).toBeLessThan(1.25);
    for (const c of [aa, ab]) expect(c.rows.find((r) => r.module === 'control')!.verdict).toBe('control');
  });

  it('pins the lower quartile down tighter than the median when runs are preempted', () => {
    const { baseline, current } = recorded.cases.aa;
    // Many runs were preempted (5-17 ms against about 1 ms): the spread above the median is the machine's.
    const base = baseline.chain!.samplesMs;
    const slow = base.filter((s) => s > 3 * Math.min(...base)).length / base.length;
    expect(slow).toBeGreaterThan(0.05);
    const p25 = bootstrapRatio(base, current.chain!.samplesMs, { quantile: 0.25 });
    const p50 = bootstrapRatio(base, current.chain!.samplesMs, { quantile: 0.5 });
    expect(p25.low).toBeLessThan(1);
    expect(p25.high).toBeGreaterThan(1);
    expect(p25.high - p25.low).toBeLessThan(p50.high - p50.low);
  });
});
