/**
 * `track-eval fidelity` as a library call: stack A (maybe on other files, e.g. FP16) against reference stack B,
 * per module and output on realistic inputs, and along a sequence through the tracking loop.
 */
import { basename } from 'node:path';
import { findModuleFiles, openTracker, parseStackSpec, selectModules, TRACKER_MODULES } from '@tamkit/bench';
import type { EmulationStamp } from '@tamkit/graph-surgery';
import { compareOutputs, type OutputFidelity } from './compare-outputs.js';
import { emulationNotes, emulationOfFile } from './emulation-notes.js';
import { buildModuleInputs } from './module-inputs.js';
import { runModuleOnStack } from './run-module.js';
import { compareTracking, lasotFrames, type SequenceFidelity, syntheticFrames } from './sequence-fidelity.js';

export const FIDELITY_REPORT_KIND = 'tamkit-fidelity' as const;
export const FIDELITY_REPORT_SCHEMA_VERSION = 1 as const;

/** Options of `compareStacks`. */
export interface CompareStacksOptions {
  /** Module files stack A runs. */
  models: string;
  /** Stack A (bench name). */
  stack: string;
  /** Reference stack B. */
  reference: string;
  /** Module files B runs (default `models`): e.g. A on FP16 files, B on the FP32 originals. */
  referenceModels?: string;
  /** Only these modules in the per-module part (default all found in both folders). */
  modules?: readonly string[];
  /** Seed of the synthetic frames and inputs (default 0). */
  seed?: number;
  /**
   * The along-a-sequence part: a LaSOT sequence folder, or a synthetic sequence of `frames` frames (default 16),
   * or false to skip it. It needs all four modules in both folders.
   */
  sequence?: { dir: string; frames?: number } | { frames: number } | false;
  /** Timed runs per module for latencies (default 5). */
  timedRuns?: number;
  onProgress?: (
    event: { phase: 'inputs' } | { phase: 'module'; module: string } | { phase: 'sequence'; frame: number },
  ) => void;
}

/** One module's agreement. */
export interface ModuleFidelity {
  module: string;
  file: string;
  referenceFile: string;
  outputs: OutputFidelity[];
  latencyMs: number;
  referenceLatencyMs: number;
  /**
   * Set when stack A's file is an FP16 emulation (graph-surgery emulate-fp16): what was emulated, and in
   * `cannotSee` what such a comparison cannot show (FP16 accumulation over long reductions, unless modelled).
   */
  emulation?: EmulationStamp & { cannotSee: string };
}

/** The versioned, JSON-serialisable result. */
export interface FidelityReport {
  kind: typeof FIDELITY_REPORT_KIND;
  schemaVersion: typeof FIDELITY_REPORT_SCHEMA_VERSION;
  stack: string;
  reference: string;
  models: string;
  referenceModels: string;
  seed: number;
  modules: ModuleFidelity[];
  sequence?: SequenceFidelity & { source: string };
  notes: string[];
}

/** Compares stack A with reference B (see `CompareStacksOptions`). */
export async function compareStacks(options: CompareStacksOptions): Promise<FidelityReport> {
  const referenceModels = options.referenceModels ?? options.models;
  const seed = options.seed ?? 0;
  const filesA = await findModuleFiles(options.models);
  const filesB = await findModuleFiles(referenceModels);
  const selected = selectModules(filesA, options.modules, options.models);
  // A stack name, or a per-module spec such as `image_encoder=ort-webgpu,ort-cpu` (bench's pipeline syntax).
  const stacksA = parseStackSpec(options.stack);
  const stacksB = parseStackSpec(options.reference);
  const notes: string[] = [];
  options.onProgress?.({ phase: 'inputs' });
  // Inputs come from B's tracking loop: the reference's view of realistic features and memory.
  const inputs = await buildModuleInputs(filesB, { stack: stacksB, seed });
  notes.push(...inputs.notes);
  const modules: ModuleFidelity[] = [];
  for (const kind of TRACKER_MODULES) {
    const a = selected[kind];
    const b = filesB[kind];
    if (!a) continue;
    if (!b) {
      notes.push(`${kind}: not in ${referenceModels}, not compared`);
      continue;
    }
    options.onProgress?.({ phase: 'module', module: kind });
    const feeds = inputs.feeds[kind]!;
    const timedRuns = options.timedRuns ?? 5;
    const ref = await runModuleOnStack(stacksB[kind], b, feeds, { timedRuns });
    const got = await runModuleOnStack(stacksA[kind], a, feeds, { timedRuns });
    const stamp = await emulationOfFile(a);
    modules.push({
      module: kind,
      file: basename(a),
      referenceFile: basename(b),
      outputs: compareOutputs(got.outputs, ref.outputs),
      latencyMs: got.latencyMs,
      referenceLatencyMs: ref.latencyMs,
      ...(stamp ? { emulation: { ...stamp, cannotSee: emulationNotes([{ module: kind, stamp }])[0]! } } : {}),
    });
  }
  notes.push(
    ...emulationNotes(modules.flatMap((m) => (m.emulation ? [{ module: m.module, stamp: m.emulation }] : []))),
  );
  const report: FidelityReport = {
    kind: FIDELITY_REPORT_KIND,
    schemaVersion: FIDELITY_REPORT_SCHEMA_VERSION,
    stack: options.stack,
    reference: options.reference,
    models: options.models,
    referenceModels,
    seed,
    modules,
    notes,
  };
  const sequence = options.sequence ?? { frames: 16 };
  if (sequence !== false) {
    const complete = (f: object) => TRACKER_MODULES.every((k) => k in f);
    if (!complete(filesA) || !complete(filesB)) {
      notes.push('sequence: skipped, the tracking loop needs all four modules in both folders');
    } else {
      report.sequence = await trackBoth(options, referenceModels, sequence, seed);
    }
  }
  return report;
}

async function trackBoth(
  options: CompareStacksOptions,
  referenceModels: string,
  sequence: { dir: string; frames?: number } | { frames: number },
  seed: number,
): Promise<SequenceFidelity & { source: string }> {
  const a = await openTracker({ models: options.models, stacks: parseStackSpec(options.stack) });
  try {
    const b = await openTracker({ models: referenceModels, stacks: parseStackSpec(options.reference) });
    try {
      const frames =
        'dir' in sequence ? lasotFrames(sequence.dir, sequence.frames) : syntheticFrames(sequence.frames, seed);
      const source = 'dir' in sequence ? sequence.dir : `synthetic (${sequence.frames} frames, seed ${seed})`;
      const result = await compareTracking(a.tracker, b.tracker, frames, (frame) =>
        options.onProgress?.({ phase: 'sequence', frame }),
      );
      return { ...result, source };
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}
