/**
 * The part of @tamkit/engine-builder the trt-* stacks need, as a small local interface.
 *
 * WIRING POINT (for the merge): engine-builder is written in parallel on another branch. Once it lands, wire
 * its `build(plan, model, options)` and `timeEngine(enginePath, options)` here, in `defaultTrtEnginePort`
 * below (or call `setTrtEnginePort()` at start-up). Until then the port reports "not wired" and the trt-*
 * stacks are listed as unavailable with that reason; they never fall back to another stack's numbers.
 */

/** Precision of a TensorRT build: `mixed` keeps attention scores, softmax and normalisations in FP32. */
export type TrtPrecision = 'fp32' | 'fp16' | 'bf16' | 'mixed';

export interface TrtBuildRequest {
  modelPath: string;
  precision: TrtPrecision;
  trtexecPath: string;
  /** Concrete shapes for every input (min = opt = max for dynamic dims). */
  shapes: Record<string, number[]>;
  /** engine-builder's engine cache directory. */
  cacheDir: string;
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

export interface TrtEnginePort {
  /** Builds (or fetches from engine-builder's cache) the engine for a model at a precision. */
  buildEngine(request: TrtBuildRequest): Promise<TrtBuildResult>;
  /** Runs the engine with trtexec and returns its per-inference times. */
  timeEngine(request: TrtTimingRequest): Promise<TrtTimingResult>;
}

let wiredPort: TrtEnginePort | undefined;

/** Installs the engine-builder adapter (the merge wires it; tests may install a named test double). */
export function setTrtEnginePort(port: TrtEnginePort | undefined): void {
  wiredPort = port;
}

/** The installed adapter, or undefined while engine-builder is not wired. */
export function getTrtEnginePort(): TrtEnginePort | undefined {
  return wiredPort ?? defaultTrtEnginePort;
}

/** WIRING POINT: replace `undefined` with an adapter over @tamkit/engine-builder's build/timeEngine. */
const defaultTrtEnginePort: TrtEnginePort | undefined = undefined;
