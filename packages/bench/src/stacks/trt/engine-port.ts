import type { PrecisionPlan } from '@tamkit/graph-surgery';

/**
 * The part of @tamkit/engine-builder the trt-* stacks need, as a small local interface, so that the runners stay
 * testable without TensorRT. The default adapter (`engine-builder-adapter.ts`) calls engine-builder's
 * `buildEngine` and `timeEngine`; `setTrtEnginePort()` (`installed-port.ts`) swaps it (tests install named doubles).
 */

/** Precision of a TensorRT build: `mixed` keeps attention scores, softmax and normalisations in FP32. */
export type TrtPrecision = 'fp32' | 'fp16' | 'bf16' | 'mixed';

export interface TrtBuildRequest {
  modelPath: string;
  precision: TrtPrecision;
  /** Build from this plan instead of `precision`'s default plan (`bench --plan`). */
  plan?: PrecisionPlan;
  trtexecPath: string;
  /** Concrete shapes for every input (min = opt = max for dynamic dims). */
  shapes: Record<string, number[]>;
  /** engine-builder's engine cache directory. */
  cacheDir: string;
  /** Environment trtexec runs with. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

export interface TrtBuildResult {
  enginePath: string;
  /** TensorRT version reported by trtexec, e.g. `10.13.0`. */
  tensorrtVersion?: string;
  /** The trtexec command line that built (or would rebuild) the engine. */
  command: string[];
}

export interface TrtTimingRequest {
  enginePath: string;
  trtexecPath: string;
  shapes: Record<string, number[]>;
  /** Warm-up runs bench asked for; trtexec warms up by time (`--warmUp`, ms), so adapters may map or ignore it. */
  warmupIterations: number;
  /** Fixed iteration count; when absent `timeMs` applies. */
  iterations?: number;
  timeMs?: number;
  /** Environment trtexec runs with. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Per-inference samples parsed from `trtexec --loadEngine=... --exportTimes=...`. */
export interface TrtTimingResult {
  /** End-to-end latency per inference (H2D start to D2H end), ms. */
  latencyMs: number[];
  /** GPU compute per inference, ms. */
  computeMs?: number[];
  h2dMs?: number[];
  d2hMs?: number[];
  command: string[];
}

/** What `describeCommands` needs: a build request without a cache, the timing budget and, without trtexec, a version. */
export interface TrtDescribeRequest extends Omit<TrtBuildRequest, 'cacheDir' | 'trtexecPath'> {
  /** trtexec to describe for; when absent, `trtVersion` decides the build path. */
  trtexecPath?: string;
  /** TensorRT major version to describe for when no trtexec is there to ask. */
  trtVersion?: 10 | 11;
  iterations?: number;
  timeMs?: number;
}

/** The exact trtexec command lines (shell-quoted, for display) of a build and a timing run. */
export interface TrtCommands {
  build: string;
  run: string;
  /** Graph edits the build makes first (TensorRT 11 path), as engine-builder describes them. */
  graphEdits: unknown[];
}

export interface TrtEnginePort {
  /** Builds (or fetches from engine-builder's cache) the engine for a model at a precision. */
  buildEngine(request: TrtBuildRequest): Promise<TrtBuildResult>;
  /** Runs the engine with trtexec and returns its per-inference times. */
  timeEngine(request: TrtTimingRequest): Promise<TrtTimingResult>;
  /** The commands `buildEngine` and `timeEngine` would run, without running anything (`--print-command`). */
  describeCommands?(request: TrtDescribeRequest): Promise<TrtCommands>;
}
