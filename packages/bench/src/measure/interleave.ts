import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { ToolkitError } from '@tamkit/common';
import { type BenchReport, type ModuleResult, moduleShapes } from '../report/schema.js';
import { getStack } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import type { Feeds } from '../stacks/types.js';
import { collectEnvironment } from './environment.js';
import { sha256File } from './hash.js';
import { generateFeeds } from './inputs.js';
import { latencyWithSamples } from './latency-samples.js';
import { measureRunner } from './sample.js';
import { applicableUserShapes, resolveInputShapes } from './shapes.js';
import { measureInRounds } from './variant-rounds.js';

/** Default rounds of an interleaved run. */
export const DEFAULT_ROUNDS = 20;
/** Default timed runs of each module on each side per round. */
export const DEFAULT_ITERATIONS_PER_ROUND = 5;

/** A progress event, for a CLI to print. */
export type InterleaveProgress =
  | { kind: 'pair-ready'; key: string; index: number; pairs: number }
  | { kind: 'round-done'; round: number; rounds: number; elapsedMs: number };

/** Options of `remeasureInterleaved`. */
export interface InterleaveOptions {
  /** Rounds; in each, every module runs on both sides, the side going first alternating. Default 20. */
  rounds?: number;
  /** Timed runs of each module on each side per round. Default 5. */
  iterationsPerRound?: number;
  /** Untimed runs of each module on each side before the first round. Default 3. */
  warmupIterations?: number;
  /** Baseline stack name -> current stack name, as in `compareReports`. */
  pairStacks?: Record<string, string>;
  onProgress?: (event: InterleaveProgress) => void;
}

interface Side {
  result: ModuleResult;
  runner: Runner;
  feeds: Feeds;
  shapes: Record<string, number[]>;
  samples: number[];
  rounds: number[];
}

function positiveInteger(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Runner options recorded by `describeOptions()` turned back into the options that made them. */
function runnerOptions(result: ModuleResult): Record<string, unknown> {
  const o = result.options;
  if (getStack(result.stack).family !== 'onnxruntime') {
    return typeof o.engineCache === 'string' ? { cacheDir: o.engineCache } : {};
  }
  return {
    ...(typeof o.intraOpNumThreads === 'number' ? { threads: o.intraOpNumThreads } : {}),
    ...(typeof o.graphOptimizationLevel === 'string' ? { graphOptimizationLevel: o.graphOptimizationLevel } : {}),
    ...(o.outputLocation !== undefined ? { outputLocation: o.outputLocation } : {}),
    ...(typeof o.deviceId === 'number' ? { deviceId: o.deviceId } : {}),
    ...(typeof o.allowSpinning === 'boolean' ? { allowSpinning: o.allowSpinning } : {}),
    ...(typeof o.stopSpinningAfterRun === 'boolean' ? { stopSpinningAfterRun: o.stopSpinningAfterRun } : {}),
    // Shape variants (bench --shapes) run again as measured.
    ...(typeof o.specialize === 'object' && o.specialize !== null ? { specialize: o.specialize } : {}),
    ...(typeof o.freeDimensionOverrides === 'object' && o.freeDimensionOverrides !== null
      ? { freeDimensionOverrides: o.freeDimensionOverrides }
      : {}),
  };
}

/** Checks that a report's model file is still there with the bytes that were measured. */
async function checkModel(result: ModuleResult, side: string): Promise<void> {
  const remedy =
    'Interleaving measures both sides again from their model files; compare the stored runs without --interleave, ' +
    'or bench the models again.';
  try {
    await access(result.modelPath);
  } catch {
    throw new ToolkitError('MODEL_NOT_FOUND', `${side} model ${result.modelPath} (${result.module}) is not there.`, {
      remedy,
    });
  }
  if ((await sha256File(result.modelPath)) !== result.modelSha256) {
    throw new ToolkitError(
      'MODEL_CHANGED',
      `${side} model ${result.modelPath} changed since it was measured (SHA-256 differs).`,
      { remedy },
    );
  }
}

async function openSide(result: ModuleResult, warmupIterations: number): Promise<Side> {
  const runner = getStack(result.stack).create(runnerOptions(result));
  await runner.activate(result.modelPath);
  const stored = (result.options.inputShapes ?? {}) as Record<string, number[]>;
  const resolved = resolveInputShapes(runner.inputs, applicableUserShapes(runner.inputs, stored));
  const seed = typeof result.options.seed === 'number' ? result.options.seed : 0;
  const feeds = runner.capabilities.inProcess ? await generateFeeds(runner.inputs, resolved, seed) : {};
  if (warmupIterations > 0) {
    await measureRunner(runner, feeds, { warmupIterations, iterations: 1 }, resolved.shapes);
  }
  return { result, runner, feeds, shapes: resolved.shapes, samples: [], rounds: [] };
}

/**
 * Measures the modules of two reports again, interleaved: every (baseline, current) module pair is opened once,
 * then in each round every pair runs `iterationsPerRound` times on each side, the side going first alternating
 * by round and module, so load on a shared machine hits both sides alike. Models are read from the paths the
 * reports name and must still have the measured bytes; stack options, input shapes and seed are the reports'.
 * Returns two new reports that share an `interleaved.id` (compare pairs them by round); modules found in only
 * one report and pipelines are carried over from the originals as they were.
 */
export async function remeasureInterleaved(
  baseline: BenchReport,
  current: BenchReport,
  options: InterleaveOptions = {},
): Promise<{ baseline: BenchReport; current: BenchReport }> {
  const rounds = positiveInteger(options.rounds ?? DEFAULT_ROUNDS, 'rounds');
  const iterations = positiveInteger(options.iterationsPerRound ?? DEFAULT_ITERATIONS_PER_ROUND, 'iterationsPerRound');
  const warmup = options.warmupIterations ?? 3;
  const wanted: [ModuleResult, ModuleResult][] = [];
  for (const base of baseline.modules) {
    const stack = options.pairStacks?.[base.stack] ?? base.stack;
    // Shape variants pair with the same variant, or across variants where each side ran one (as compare does).
    const candidates = current.modules.filter(
      (m) => m.stack === stack && m.module === base.module && !wanted.some(([, c]) => c === m),
    );
    const single = baseline.modules.filter((m) => m.stack === base.stack && m.module === base.module).length === 1;
    const cur =
      candidates.find((m) => moduleShapes(m) === moduleShapes(base)) ??
      (single && candidates.length === 1 ? candidates[0] : undefined);
    if (cur) wanted.push([base, cur]);
  }
  if (wanted.length === 0) {
    throw new ToolkitError('NOTHING_TO_INTERLEAVE', 'The two reports have no (stack, module) pair in common.', {
      remedy: 'Pair differently named stacks with --pair-stack BASELINE=CURRENT.',
    });
  }
  for (const [base, cur] of wanted) {
    await checkModel(base, 'baseline');
    await checkModel(cur, 'current');
  }

  const pairs: [Side, Side][] = [];
  try {
    for (const [base, cur] of wanted) {
      pairs.push([await openSide(base, warmup), await openSide(cur, warmup)]);
      options.onProgress?.({
        kind: 'pair-ready',
        key: `${cur.stack} / ${cur.module}`,
        index: pairs.length,
        pairs: wanted.length,
      });
    }
    const started = performance.now();
    // Pair by pair each round, the side going first alternating by round and pair (roundOrder of two sides).
    const measured = await measureInRounds(
      pairs,
      Array.from({ length: rounds }, () => ({ warmupIterations: 0, iterations })),
      undefined,
      (round) =>
        options.onProgress?.({ kind: 'round-done', round: round + 1, rounds, elapsedMs: performance.now() - started }),
    );
    for (const [p, pair] of pairs.entries()) {
      for (const [i, side] of pair.entries()) {
        side.samples = measured[p]![i]!.samples;
        side.rounds = measured[p]![i]!.rounds;
      }
    }
  } finally {
    for (const side of pairs.flat()) await side.runner.deactivate();
  }

  const id = randomUUID();
  const environment = await collectEnvironment({
    ...(baseline.environment.threads === undefined ? {} : { threads: baseline.environment.threads }),
    ...(baseline.environment.tensorrt === undefined ? {} : { tensorrt: baseline.environment.tensorrt }),
  });
  const note = `measured again interleaved with the other side: ${rounds} rounds x ${iterations} runs`;
  const rebuild = (report: BenchReport, sides: Side[], side: 'baseline' | 'current'): BenchReport => ({
    ...report,
    createdAt: new Date().toISOString(),
    environment,
    modules: report.modules.map((m) => {
      const measured = sides.find((s) => s.result === m);
      if (!measured) return m;
      return { ...m, latency: latencyWithSamples(measured.samples, measured.rounds), notes: [...m.notes, note] };
    }),
    interleaved: { id, side, rounds, iterationsPerRound: iterations },
  });
  return {
    baseline: rebuild(
      baseline,
      pairs.map(([b]) => b),
      'baseline',
    ),
    current: rebuild(
      current,
      pairs.map(([, c]) => c),
      'current',
    ),
  };
}
