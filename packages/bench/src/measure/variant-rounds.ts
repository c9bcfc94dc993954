/**
 * Shape variants of one module on one stack (`bench run --shapes original --shapes static`) measured interleaved:
 * every variant's session is opened first, then the timing budget is cut into rounds and in each round every
 * variant runs its share, the variant going first rotating by round. Load drift on a shared machine (other
 * processes, GPU clocks) then hits every variant alike, and the rounds let `bench compare` pair them. The
 * round-robin loop itself (`measureInRounds`) also serves `bench compare --interleave` (interleave.ts).
 */

import type { LatencyStats } from '../report/schema.js';
import type { Runner } from '../stacks/runner.js';
import type { Feeds } from '../stacks/types.js';
import { latencyWithSamples } from './latency-samples.js';
import { DEFAULT_TIME_MS, DEFAULT_WARMUP_ITERATIONS, type MeasureBudget, measureRunner } from './sample.js';
import { computeLatencyStats } from './stats.js';

/** Rounds of an interleaved variant run (fewer when the iteration budget is smaller). */
export const VARIANT_ROUNDS = 10;

/** One variant's open session, its feeds and the input shapes it is timed at. */
export interface VariantSide {
  runner: Runner;
  feeds: Feeds;
  shapes: Record<string, number[]>;
}

/** What one side measured over all rounds. */
export interface VariantMeasurement {
  latency: LatencyStats;
  d2h?: LatencyStats;
}

/** The order in which the sides run in round `round`: rotated by one each round, so each goes first in turn. */
export function roundOrder<T>(sides: readonly T[], round: number): T[] {
  const shift = round % Math.max(1, sides.length);
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}

/**
 * The budget of each round for every side: `iterations` split as evenly as whole runs allow (the total is
 * kept), or `timeMs` split evenly. Rounds are at most VARIANT_ROUNDS and at most the iteration count.
 */
export function roundBudgets(budget: MeasureBudget): MeasureBudget[] {
  if (budget.iterations !== undefined) {
    const total = budget.iterations;
    const rounds = Math.min(VARIANT_ROUNDS, total);
    return Array.from({ length: rounds }, (_, r) => ({
      warmupIterations: 0,
      iterations: Math.floor((total * (r + 1)) / rounds) - Math.floor((total * r) / rounds),
    }));
  }
  const timeMs = (budget.timeMs ?? DEFAULT_TIME_MS) / VARIANT_ROUNDS;
  return Array.from({ length: VARIANT_ROUNDS }, () => ({ warmupIterations: 0, timeMs }));
}

/** A side's samples over the rounds, with the round of each, in measurement order. */
export interface RoundSamples {
  samples: number[];
  rounds: number[];
  /** Device-to-host copy samples, where the runner times them. */
  d2h: number[];
}

/**
 * The round-robin measurement both interleaved runs share (`bench run --shapes ...` here, `bench compare
 * --interleave` in interleave.ts): for each round, every group in turn, and within a group every side runs that
 * round's budget, the side going first rotating by round and group (`roundOrder`). Sides must be warm. `onRound`
 * hears each group's order per round (indices into the group). Returns the samples per group and side.
 */
export async function measureInRounds(
  groups: readonly (readonly VariantSide[])[],
  budgets: readonly MeasureBudget[],
  onRound?: (round: number, group: number, order: number[]) => void,
  onRoundDone?: (round: number) => void,
): Promise<RoundSamples[][]> {
  const collected = groups.map((sides) => sides.map((): RoundSamples => ({ samples: [], rounds: [], d2h: [] })));
  for (const [round, budget] of budgets.entries()) {
    for (const [g, sides] of groups.entries()) {
      const order = roundOrder(
        sides.map((_, i) => i),
        round + g,
      );
      onRound?.(round, g, order);
      for (const index of order) {
        const side = sides[index]!;
        const measured = await measureRunner(side.runner, side.feeds, budget, side.shapes);
        const samples = measured.latency.samplesMs ?? [];
        const into = collected[g]![index]!;
        into.samples.push(...samples);
        into.rounds.push(...samples.map(() => round));
        into.d2h.push(...(measured.d2hSamples ?? []));
      }
    }
    onRoundDone?.(round);
  }
  return collected;
}

/**
 * Warms every side up (`budget.warmupIterations` each, one after the other), then measures them interleaved by
 * round (see `roundOrder`, `roundBudgets`). `onRound` hears each round's order (indices into `sides`). Returns
 * one measurement per side, in the order of `sides`, with the round of every sample.
 */
export async function measureVariantRounds(
  sides: readonly VariantSide[],
  budget: MeasureBudget,
  onRound?: (round: number, order: number[]) => void,
): Promise<VariantMeasurement[]> {
  const warmupIterations = budget.warmupIterations ?? DEFAULT_WARMUP_ITERATIONS;
  if (warmupIterations > 0) {
    for (const side of sides) {
      await measureRunner(side.runner, side.feeds, { warmupIterations, iterations: 1 }, side.shapes);
    }
  }
  const [collected] = await measureInRounds([sides], roundBudgets(budget), (round, _, order) =>
    onRound?.(round, order),
  );
  return collected!.map((c) => ({
    latency: latencyWithSamples(c.samples, c.rounds),
    ...(c.d2h.length > 0 ? { d2h: computeLatencyStats(c.d2h) } : {}),
  }));
}
