// Builders of BenchReport input data for the report tests. Statistics are derived from (p50, cv) so that a test
// states only the numbers its verdict depends on.
import { SeededRandom } from '@tamkit/common';
import { TRACKER_MODULES } from '@tamkit/graph-surgery';
import {
  type BenchReport,
  type Environment,
  type LatencyStats,
  latencyWithSamples,
  type ModuleResult,
  type PipelineResult,
} from '../src/index.js';

export function stats(p50Ms: number, cv = 0.01, samples = 50): LatencyStats {
  const stdMs = p50Ms * cv;
  return {
    samples,
    minMs: p50Ms - stdMs,
    meanMs: p50Ms,
    p50Ms,
    p90Ms: p50Ms + 1.3 * stdMs,
    p99Ms: p50Ms + 2.3 * stdMs,
    maxMs: p50Ms + 3 * stdMs,
    stdMs,
    cv,
  };
}

export function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    node: 'v20.19.0',
    onnxruntime: '1.30.0',
    os: 'linux 6.8 x64',
    cpu: { model: 'AMD EPYC 9654', cores: 16 },
    gpu: { name: 'NVIDIA H200', driver: '570.86' },
    hostname: 'runner-1',
    threads: 16,
    ...overrides,
  };
}

/**
 * One module result. `version` names the model's bytes (SHA-256 `sha-<module>-<version>`): results of the same
 * version on both sides of a comparison are controls.
 */
export function moduleResult(stack: string, module: string, p50Ms: number, cv = 0.01, version = 'v1'): ModuleResult {
  return {
    stack,
    module,
    modelPath: `models/${module}.onnx`,
    modelSha256: `sha-${module}-${version}`,
    latency: stats(p50Ms, cv),
    options: {},
    notes: [],
  };
}

export function pipeline(
  stacks: Record<string, string>,
  frameP50Ms: number,
  cv = 0.01,
  variant = 'unbaked',
): PipelineResult {
  return {
    stacks,
    variant,
    frames: 100,
    perStage: Object.fromEntries(Object.keys(stacks).map((m) => [m, stats(frameP50Ms / 4, cv)])),
    perFrame: stats(frameP50Ms, cv),
    fps: 1000 / frameP50Ms,
    notes: [],
  };
}

export function report(parts: Partial<BenchReport> = {}): BenchReport {
  return {
    kind: 'tamkit-bench',
    schemaVersion: 1,
    createdAt: '2026-11-27T02:00:00.000Z',
    environment: environment(),
    modules: [],
    pipelines: [],
    unavailable: [],
    ...parts,
  };
}

export const MODULES = TRACKER_MODULES;

/** The four modules on one stack, with the given p50s in MODULES order, all of one model version. */
export function stackResults(stack: string, p50s: readonly number[], cv = 0.01, version = 'v1'): ModuleResult[] {
  return MODULES.map((module, i) => moduleResult(stack, module, p50s[i]!, cv, version));
}

/**
 * Latency-like samples: log-normal around `p50Ms` with relative spread `cv`, one in 30 a 1.5x outlier (a
 * preempted run), each multiplied by `load(i)` (the machine's slowdown at sample i). Seeded: one seed, one set.
 */
export function latencySamples(
  p50Ms: number,
  count: number,
  seed: number,
  options: { cv?: number; load?: (i: number) => number } = {},
): number[] {
  const rng = new SeededRandom(seed);
  const cv = options.cv ?? 0.03;
  return Array.from({ length: count }, (_, i) => {
    const outlier = rng.next() < 1 / 30 ? 1.5 : 1;
    return p50Ms * Math.exp(cv * rng.normal()) * outlier * (options.load?.(i) ?? 1);
  });
}

/** A module result carrying raw samples (and their rounds, for an interleaved run). */
export function sampledModule(
  module: string,
  samples: readonly number[],
  version: string,
  rounds?: readonly number[],
): ModuleResult {
  return { ...moduleResult('ort-cpu', module, 1, 0, version), latency: latencyWithSamples(samples, rounds) };
}
