import type { ModelProto, PrecisionPlan } from '@tamkit/graph-surgery';
import type { Availability } from './availability.js';
import type { Runner } from './runner.js';
import type { ShapeBinding } from './shape-variant.js';
import type { TrtPrecision } from './trt/engine-port.js';
import type { StackFamily } from './types.js';

/**
 * Settings every caller may hand any stack (the tracking loop, `bench`, eval): each stack maps them onto its own
 * options and ignores what does not apply to it (trtexec has no intra-op threads).
 */
export interface RunnerSettings {
  /** Intra-op threads of CPU kernels. Default: the stack's choice. */
  threads?: number;
  /**
   * ONNX Runtime's graph optimisation level (default 'all'). 'extended' leaves out the layout transformers of
   * 'all' (NCHWc), one of which crashes natively on some FP16 graphs in ORT 1.30's CPU provider.
   */
  graphOptimization?: GraphOptimization;
  /** Let intra-op threads spin between runs. Default: the stack's (ONNX Runtime: on). */
  allowSpinning?: boolean;
  /** Stop spinning when a run returns (ONNX Runtime `session.force_spinning_stop`). Default: the stack's (off). */
  stopSpinningAfterRun?: boolean;
  /** Keep outputs on the device where the stack can (`deviceOutputs`). Default false. */
  deviceOutputs?: boolean;
  /**
   * Run the model at this precision plan: the ONNX Runtime stacks run the plan applied to the model (graph-surgery's
   * `applyPrecisionPlan`), the trt-* stacks build their engine from it instead of their precision's default plan.
   */
  plan?: PrecisionPlan;
  /**
   * Run each module once in a child process first, so a native crash of the runtime is a typed error instead of
   * the end of the process (ONNX Runtime stacks; see `OrtRunnerOptions.crashProbe`). Default: the stack's.
   */
  crashProbe?: boolean;
  /**
   * Run the model specialised to these input shapes and integer-input values (graph-surgery's `specializeModel`,
   * in process at activation: the shape arithmetic they decide is folded away). The runner then takes only the
   * inputs the specialised graph keeps. ONNX Runtime stacks; the trt-* stacks ignore it (said in their notes).
   */
  specialize?: ShapeBinding;
  /**
   * ONNX Runtime's `freeDimensionOverrides`: symbolic dims (by their name) fixed for the session, the model
   * unchanged. The cheaper, partial route to static shapes: values of integer inputs stay run-time values.
   */
  freeDimensionOverrides?: Record<string, number>;
  /**
   * Graph edits applied to the model at activation, in order, after the plan (e.g. the tracker's
   * `bakeFeatureLayout` of memory_attention). ONNX Runtime stacks; the trt-* stacks ignore them.
   */
  edits?: readonly ModelEdit[];
}

/** A named graph edit (a graph-surgery pass with its options bound). */
export interface ModelEdit {
  /** Recorded in the runner's options (`edits`), e.g. `feature-layout 32x32`. */
  label: string;
  apply(model: ModelProto): ModelProto;
  /** The edit as data, so that a runner in a worker thread can make it again (stacks/threaded/portable-edits.ts). */
  portable?: PortableEdit;
}

/** The load-time bakes the tracking loop applies, as data (functions cannot cross a thread). */
export type PortableEdit = { bake: 'memory-mask' } | { bake: 'feature-layout'; height: number; width: number };

/** What a stack is, as callers that must treat stacks differently ask it (never by comparing names). */
export interface StackTraits {
  family: StackFamily;
  /** Whether its runners can keep outputs on the device (`outputLocation: 'gpu-buffer'`), for chaining. */
  deviceOutputs: boolean;
  /**
   * Whether it computes most FP16 ops in FP32 (ONNX Runtime's CPU provider): native FP16 hides overflow there,
   * so precision checks emulate FP16 storage on it instead.
   */
  computesFp16InFp32: boolean;
  /**
   * Whether its kernels run on the host CPU (ONNX Runtime's CPU provider): intra-op threads do the model's work.
   * On the GPU stacks they only serve the few nodes left on the CPU provider, so the tracking loop gives those
   * sessions one thread and no spinning (open-modules.ts).
   */
  computesOnHost: boolean;
  /**
   * Whether its sessions run in a worker thread (`ThreadedRunner`: encoder ahead, memory encoder early), as
   * measured: ort-cpu and ort-cuda do (tests, the H200 loop). False for onnxruntime-node 1.30's WebGPU provider,
   * which crashed the process (SIGSEGV on the H200, 2026-12-02: image_encoder in a worker beside the other modules
   * on the JavaScript thread), and for stacks never run in one (ort-trt, the trtexec stacks).
   */
  workerThreads: boolean;
  /** The engine precision of a trt-* stack (its default plan); absent for stacks that run in this process. */
  tensorRtPrecision?: TrtPrecision;
}

/** What the registry knows about a stack: its traits, how to probe it and how to make a runner. Nothing loads until used. */
export interface StackDefinition<Options> extends StackTraits {
  name: string;
  /** One line for `bench list`. */
  description: string;
  /** Whether the stack can run here; never throws. */
  probe(): Promise<Availability>;
  /** A new, inactive runner. Throws `RangeError` for invalid options; never loads native code. */
  create(options?: Options): Runner;
  /** A new, inactive runner from the settings every stack understands (see `RunnerSettings`). */
  createWith(settings: RunnerSettings): Runner;
}

/** ONNX Runtime's graph optimisation levels, as onnxruntime-node names them. */
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';
export const GRAPH_OPTIMIZATIONS: readonly GraphOptimization[] = ['disabled', 'basic', 'extended', 'all'];
