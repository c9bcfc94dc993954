/**
 * `track-eval bisect` as a library call: per module, does it meet the tolerance in FP16 while the others stay
 * FP32 (its inputs come from the FP32 modules); for each module that breaks, the layer-level search; a precision
 * plan per module.
 */
import { basename, join } from 'node:path';
import { findModuleFiles, getStack, selectModules, TRACKER_MODULES } from '@tamkit/bench';
import { UsageError } from '@tamkit/common';
import type { PrecisionPlan } from '@tamkit/engine-builder';
import { EMULATION_BLIND_SPOT, readModel, type TrackerModule } from '@tamkit/graph-surgery';
import {
  compareOutputs,
  DEFAULT_TOLERANCE,
  meetsTolerance,
  type OutputFidelity,
  type Tolerance,
} from '../fidelity/compare-outputs.js';
import { buildModuleInputs } from '../fidelity/module-inputs.js';
import { runModuleOnStack } from '../fidelity/run-module.js';
import type { FindCandidatesOptions } from './candidates.js';
import { createEngineEvaluator } from './engine-evaluator.js';
import {
  type BisectEvaluation,
  bisectLayers,
  type CandidateEvaluator,
  type LayerBisectResult,
} from './layer-bisect.js';
import { planFromBisection, writePlanFile } from './plan.js';
import { createVariantBuilder, type Fp16Mode } from './variants.js';

export const BISECT_REPORT_KIND = 'tamkit-bisect' as const;
export const BISECT_REPORT_SCHEMA_VERSION = 1 as const;

/** How candidates are made: graph edits (`emulate`, `native`) or TensorRT engines from plans (`engine`). */
export type BisectMode = Fp16Mode | 'engine';
export const BISECT_MODES: readonly BisectMode[] = ['emulate', 'native', 'engine'];

/** Options of `bisectModels`. */
export interface BisectModelsOptions {
  /** Folder of the FP32 modules. */
  models: string;
  /** Stack under test (bench name). */
  stack: string;
  /** Modules to bisect (default: every module found). */
  modules?: readonly string[];
  /**
   * Default: `emulate` on stacks that compute FP16 in FP32 (ort-cpu: native FP16 would hide failures), `engine` on
   * TensorRT stacks, `native` on other ONNX Runtime stacks.
   */
  mode?: BisectMode;
  /** `emulate` only: model fused attention kernels (default true; see `VariantOptions`). */
  fusedAttention?: boolean;
  /** `native` only: op types kept FP32 in every candidate (see `VariantOptions.blockOps`). */
  blockOps?: readonly string[];
  /** Default `DEFAULT_TOLERANCE`. */
  tolerance?: Tolerance;
  /** Seed of the synthetic inputs (default 0). */
  seed?: number;
  /** Stack of the FP32 reference and of the input chain (default: `stack`, or ort-cpu for TensorRT stacks). */
  referenceStack?: string;
  /** Candidate selection. */
  candidates?: FindCandidatesOptions;
  /** Timed runs for latencies (default 10). */
  timedRuns?: number;
  /** `engine` mode: engine-builder cache folder (default `.cache/tamkit-bisect`). */
  cacheDir?: string;
  /** `engine` mode: trtexec path. */
  trtexec?: string;
  /** Write the plan here (only when one module is bisected). */
  planOut?: string;
  /** Write `<module>.plan.json` for every module here. */
  planDir?: string;
  onProgress?: (event: BisectProgress) => void;
}

/** Progress of a bisection. */
export type BisectProgress =
  | { phase: 'inputs' }
  | { phase: 'module'; module: string }
  | { phase: 'layers'; module: string; evaluation: BisectEvaluation };

/** One module's outcome. */
export interface ModuleBisect {
  module: string;
  file: string;
  /** The module all in FP16 (others FP32): its fidelity and whether it meets the tolerance. */
  fp16: { meetsTolerance: boolean; worstRelativeL2: number; fidelity: OutputFidelity[]; latencyMs: number };
  fp32LatencyMs: number;
  /** The layer-level search, for modules that break in FP16. */
  layers?: LayerBisectResult;
  plan: PrecisionPlan;
  planFile?: string;
}

/** The versioned, JSON-serialisable result. */
export interface BisectReport {
  kind: typeof BISECT_REPORT_KIND;
  schemaVersion: typeof BISECT_REPORT_SCHEMA_VERSION;
  stack: string;
  referenceStack: string;
  mode: BisectMode;
  fusedAttention?: boolean;
  tolerance: Tolerance;
  seed: number;
  modules: ModuleBisect[];
  notes: string[];
}

/** The default candidate mode of a stack (see `BisectModelsOptions.mode`). */
export function defaultBisectMode(stack: string): BisectMode {
  const traits = getStack(stack);
  if (traits.computesFp16InFp32) return 'emulate';
  return traits.family === 'tensorrt' ? 'engine' : 'native';
}

/** Runs the module-level check and, where needed, the layer-level search for every selected module. */
export async function bisectModels(options: BisectModelsOptions): Promise<BisectReport> {
  const mode = options.mode ?? defaultBisectMode(options.stack);
  const tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  const seed = options.seed ?? 0;
  const timedRuns = options.timedRuns ?? 10;
  const isTrt = getStack(options.stack).family === 'tensorrt';
  if (isTrt && mode !== 'engine') {
    throw new UsageError(
      `--mode ${mode} needs an in-process stack; ${options.stack} runs engines through trtexec.`,
      'Use --mode engine.',
    );
  }
  const referenceStack = options.referenceStack ?? (isTrt ? 'ort-cpu' : options.stack);
  const all = await findModuleFiles(options.models);
  const selected = selectModules(all, options.modules, options.models);
  const count = Object.keys(selected).length;
  if (options.planOut && count !== 1) {
    throw new UsageError(
      `--plan-out names one file but ${count} modules are bisected.`,
      'Add --module NAME, or use --plan-dir DIR.',
    );
  }
  options.onProgress?.({ phase: 'inputs' });
  // The reference stack's tracking loop over every module found makes the inputs.
  const inputs = await buildModuleInputs(all, { stack: referenceStack, seed });
  const notes = [...inputs.notes];
  if (mode === 'emulate') {
    notes.push(
      `FP16 emulated by rounding every tensor through FP16 on ${options.stack}${options.fusedAttention === false ? '' : ', attention softmax modelled as a fused kernel without max subtraction'}; the GPU run on native FP16 is the check.`,
      `What this bisection cannot see: ${EMULATION_BLIND_SPOT} A plan found here may be short of the nodes a native FP16 stack needs (bisect there with --mode native, or start from the mixed preset: graph-surgery fp32-islands --pattern mixed).`,
      'Latencies of emulated variants include the rounding Casts: they rank nothing about FP16 speed; time plans on the target stack.',
    );
  }
  if (mode === 'native' && getStack(options.stack).computesFp16InFp32) {
    notes.push(
      `${options.stack} computes most FP16 ops in FP32: native FP16 hides overflow here; use --mode emulate to predict GPU failures.`,
    );
  }
  const modules: ModuleBisect[] = [];
  for (const kind of TRACKER_MODULES) {
    const file = selected[kind];
    if (!file) continue;
    options.onProgress?.({ phase: 'module', module: kind });
    modules.push(
      await bisectModule(kind, file, inputs.feeds[kind]!, { ...options, mode, tolerance, referenceStack, timedRuns }),
    );
  }
  for (const m of modules) {
    const path = options.planOut ?? (options.planDir ? join(options.planDir, `${m.module}.plan.json`) : undefined);
    if (!path) continue;
    await writePlanFile(path, m.plan);
    m.planFile = path;
  }
  if (mode === 'native' && options.blockOps?.length) {
    notes.push(
      `kept FP32 in every candidate (not searched; in the plans as blockOps): ${options.blockOps.join(', ')} ops`,
    );
  }
  return {
    kind: BISECT_REPORT_KIND,
    schemaVersion: BISECT_REPORT_SCHEMA_VERSION,
    stack: options.stack,
    referenceStack,
    mode,
    ...(mode === 'emulate' ? { fusedAttention: options.fusedAttention ?? true } : {}),
    tolerance,
    seed,
    modules,
    notes,
  };
}

type ResolvedOptions = BisectModelsOptions & {
  mode: BisectMode;
  tolerance: Tolerance;
  referenceStack: string;
  timedRuns: number;
};

async function bisectModule(
  kind: TrackerModule,
  file: string,
  feeds: Parameters<typeof runModuleOnStack>[2],
  options: ResolvedOptions,
): Promise<ModuleBisect> {
  const model = await readModel(file);
  // Kernels kept FP32 in every native candidate belong in the plan; emulated and engine candidates have none.
  const blockOps = options.mode === 'native' ? [...(options.blockOps ?? [])] : [];
  const reference = await runModuleOnStack(options.referenceStack, file, feeds, { timedRuns: options.timedRuns });
  let evaluate: CandidateEvaluator;
  if (options.mode === 'engine') {
    evaluate = createEngineEvaluator({
      modelPath: file,
      feeds,
      cacheDir: options.cacheDir ?? join('.cache', 'tamkit-bisect'),
      trtexec: options.trtexec,
    });
  } else {
    const build = createVariantBuilder(model, {
      mode: options.mode,
      fusedAttention: options.fusedAttention,
      blockOps: options.blockOps ?? [],
    });
    evaluate = (nodes, timedRuns) => runModuleOnStack(options.stack, build(nodes), feeds, { timedRuns });
  }
  const fp16Run = await evaluate([], options.timedRuns);
  const fidelity = compareOutputs(fp16Run.outputs, reference.outputs);
  const verdict = meetsTolerance(fidelity, options.tolerance);
  const result: Omit<ModuleBisect, 'plan'> = {
    module: kind,
    file: basename(file),
    fp16: {
      meetsTolerance: verdict.ok,
      worstRelativeL2: verdict.worstRelativeL2,
      fidelity,
      latencyMs: fp16Run.latencyMs,
    },
    fp32LatencyMs: reference.latencyMs,
  };
  const tol = `relative L2 <= ${options.tolerance.relativeL2}`;
  if (verdict.ok) {
    const detail = `meets ${tol} in FP16 on ${options.stack} (${options.mode}); worst ${verdict.worstRelativeL2.toExponential(2)}`;
    return { ...result, plan: planFromBisection({ module: kind, outcome: 'fp16', fp32Nodes: [], blockOps, detail }) };
  }
  const layers = await bisectLayers({
    model,
    evaluate,
    reference: reference.outputs,
    tolerance: options.tolerance,
    candidates: options.candidates,
    timedRuns: options.timedRuns,
    onEvaluation: (evaluation) => options.onProgress?.({ phase: 'layers', module: kind, evaluation }),
  });
  const found = layers.status === 'found';
  const detail = found
    ? `${layers.fp32.length} of ${layers.candidates} candidates kept FP32 to meet ${tol} on ${options.stack} (${options.mode}); worst ${layers.worstRelativeL2.toExponential(2)}; ${layers.evaluations} evaluations (budget ${layers.budget})`
    : `cannot meet ${tol} in FP16 on ${options.stack} (${options.mode}) even with every candidate in FP32: keep the module FP32`;
  const plan = planFromBisection({
    module: kind,
    outcome: found ? 'fp16' : 'fp32',
    fp32Nodes: layers.fp32Nodes,
    blockOps,
    detail,
  });
  return { ...result, layers, plan };
}
