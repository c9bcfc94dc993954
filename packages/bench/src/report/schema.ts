/**
 * The bench result format: what `bench --json` writes, `bench compare` reads, and eval reuses.
 * Versioned: a reader refuses a `schemaVersion` it does not know. All times are milliseconds.
 */
export const BENCH_SCHEMA_VERSION = 1 as const;
export const BENCH_REPORT_KIND = 'tamkit-bench' as const;

/** Where a result came from. Two reports are comparable only when their environments match (see compare). */
export interface Environment {
  node: string;
  onnxruntime?: string;
  tensorrt?: string;
  os: string;
  /**
   * `cores`: logical CPUs. `physicalCores`: distinct (package, core) pairs, where Linux says: ONNX Runtime's default
   * intra-op thread count (when `threads` is not set), so the number of threads the CPU stacks ran with.
   */
  cpu: { model: string; cores: number; physicalCores?: number };
  gpu?: { name: string; driver?: string; uuid?: string; computeCapability?: string };
  hostname: string;
  /** Intra-op threads used by CPU stacks, when set. */
  threads?: number;
  /**
   * ONNX Runtime provider libraries installed next to onnxruntime-node's binding (CUDA, TensorRT: not bundled),
   * with the ORT version compiled into the CUDA one and where bench installed them from.
   */
  ortProviders?: { libraries: string[]; onnxruntime?: string; source?: string };
  /** GPU runtime libraries (CUDA, cuBLAS, cuDNN, TensorRT, ORT providers) the process had loaded when it reported. */
  gpuLibraries?: { name: string; version?: string; path: string }[];
  /** GPU math switches set in the environment (NVIDIA_TF32_OVERRIDE, CUDA_VISIBLE_DEVICES), when set. */
  gpuEnv?: Record<string, string>;
  /** What makes these numbers questionable (e.g. a provider built for another ONNX Runtime version than the core). */
  warnings?: string[];
}

/** How models with symbolic dims ran (stacks/shape-variant.ts SHAPE_VARIANTS). */
export type ShapeVariantName = 'original' | 'pinned' | 'static';

/** Statistics over latency samples. `cv` is the coefficient of variation (std / mean). */
export interface LatencyStats {
  samples: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  stdMs: number;
  cv: number;
  /**
   * The raw samples in measurement order, rounded to 1 ns (written by bench since the verdict statistics; older
   * reports lack them and are judged from the summary above). `bench compare` bootstraps its intervals from them.
   */
  samplesMs?: number[];
  /** For interleaved runs: the round each sample of `samplesMs` was taken in (same length). */
  sampleRounds?: number[];
}

/** Which execution provider ran how many nodes and how much kernel time (from ORT profiling). */
export interface ProviderShare {
  provider: string;
  nodes: number;
  kernelTimeMs: number;
}

export interface Placement {
  requested: string;
  providers: ProviderShare[];
  /** Compute ops (MatMul, Conv, Softmax, ...) that ran on a provider other than the requested one. */
  computeOpsElsewhere: { node: string; opType: string; provider: string }[];
}

/** One module on one stack. */
export interface ModuleResult {
  stack: string;
  module: string;
  modelPath: string;
  modelSha256: string;
  latency: LatencyStats;
  /**
   * The shape variant the module ran as (`bench run --shapes`, see PipelineResult.shapes). Reports written before
   * this field kept a non-original variant in `options.shapeVariant`; read it with `moduleShapes`.
   */
  shapes?: ShapeVariantName;
  /** Host<->device copy time, where the stack can separate it. */
  copies?: { h2dMs?: LatencyStats; d2hMs?: LatencyStats };
  placement?: Placement;
  /** Stack options as run (threads, graph optimisation level, precision, ...). */
  options: Record<string, unknown>;
  /** Caveats the reader must see (e.g. "ort-trt runs TensorRT defaults: no FP16"). */
  notes: string[];
}

/**
 * The shape variant of a module result: its `shapes` field, else the `options.shapeVariant` older reports
 * wrote for non-original variants, else `original`.
 */
export function moduleShapes(result: Pick<ModuleResult, 'shapes' | 'options'>): ShapeVariantName {
  if (result.shapes !== undefined) return result.shapes;
  const legacy = result.options?.shapeVariant;
  return legacy === 'pinned' || legacy === 'static' ? legacy : 'original';
}

/** The chained tracking loop over a frame sequence. */
export interface PipelineResult {
  /** module name -> stack name */
  stacks: Record<string, string>;
  variant: string;
  /**
   * How models with symbolic dims ran: `original` (as exported), `pinned` (ONNX Runtime freeDimensionOverrides)
   * or `static` (graph-surgery specialised graphs). Absent in reports written before shape variants.
   */
  shapes?: ShapeVariantName;
  frames: number;
  /**
   * stage name -> stats: the tracker's stages (PIPELINE_STAGES: preprocess, image_encoder, attention_inputs,
   * memory_attention, mask_decoder, postprocess, memory_encoder, bank_update, host_copies; reports before
   * 2026-12-02 have one `memory` stage instead of attention_inputs and bank_update) and `unstaged` (the frame's
   * time outside them).
   */
  perStage: Record<string, LatencyStats>;
  perFrame: LatencyStats;
  /**
   * Wall time from the end of one frame to the next frame's result, the frame source's time included (what a
   * caller sees as throughput). Absent in reports before 2026-12-03.
   */
  interval?: LatencyStats;
  fps: number;
  /**
   * True when image_encoder ran in a worker thread one frame ahead (`--encoder-ahead`): each frame's time holds
   * only the wait for its encoding, done beside the previous frame. Absent: encoded in the frame.
   */
  encoderAhead?: boolean;
  /**
   * True when memory_attention and mask_decoder ran merged into one session (`--merge-decoder`): their time is in
   * the memory_attention stage. Absent: two sessions.
   */
  mergedDecoder?: boolean;
  /** Sum of the isolated per-module medians measured in the same run, when measured. */
  isolatedSumMs?: number;
  /** Copy time saved by keeping tensors on the device between modules, when measured. */
  copySavedMs?: number;
  /**
   * Where the timed loop kept module outputs (`--device-outputs on|off|auto`) and why: with `auto` on a stack
   * that can keep them on the device, the calibration's per-frame medians both ways.
   */
  deviceOutputs?: {
    mode: 'on' | 'off' | 'auto';
    chosen: 'on' | 'off';
    reason: string;
    onP50Ms?: number;
    offP50Ms?: number;
    calibrationFrames?: number;
  };
  notes: string[];
}

/** A stack that could not run here, and why. */
export interface UnavailableStack {
  stack: string;
  reason: string;
  remedy: string;
}

/** Marks a report measured interleaved with another one (`bench compare --interleave`). */
export interface InterleavedRun {
  /** Shared by the two reports of one interleaved run: samples of equal round index were taken side by side. */
  id: string;
  side: 'baseline' | 'current';
  rounds: number;
  /** Timed runs of each module on each side per round. */
  iterationsPerRound: number;
}

export interface BenchReport {
  kind: typeof BENCH_REPORT_KIND;
  schemaVersion: typeof BENCH_SCHEMA_VERSION;
  createdAt: string;
  label?: string;
  environment: Environment;
  modules: ModuleResult[];
  pipelines: PipelineResult[];
  unavailable: UnavailableStack[];
  /** Present when this report is one side of an interleaved run. */
  interleaved?: InterleavedRun;
}
