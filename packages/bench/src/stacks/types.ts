import type { Tensor } from 'onnxruntime-node';

/**
 * Tensors cross the Runner interface as onnxruntime-common `Tensor`s (a type-only import: nothing loads until a
 * runner activates). They carry a `location` ('cpu' or 'gpu-buffer'), so a WebGPU runner can hand a device
 * tensor straight to the next WebGPU runner without a host round trip.
 */
export type RunnerTensor = Tensor;

/** Input values by input name. */
export type Feeds = Record<string, RunnerTensor>;

/** Output values by output name. */
export type Outputs = Record<string, RunnerTensor>;

/** Element types a model input or output may declare (onnxruntime-common names). */
export type ElementType = RunnerTensor['type'];

/** A model input or output as declared: symbolic dimensions stay strings (e.g. `num_mem_tokens`). */
export interface TensorInfo {
  name: string;
  type: ElementType;
  shape: (number | string)[];
}

/** What a runner can do beyond plain host-in, host-out inference. */
export interface RunnerCapabilities {
  /** `infer()` runs the model in this process and returns its outputs (false for trtexec-driven stacks). */
  inProcess: boolean;
  /** `infer()` may return tensors that stay on the device (`location !== 'cpu'`); `toHost()` downloads them. */
  deviceOutputs: boolean;
  /** The runner can report which provider ran each node (ORT profiling). */
  placement: boolean;
  /** The runner times itself out of process (trtexec); `measureSelf()` replaces the in-process sampling loop. */
  selfTimed: boolean;
  /**
   * `infer()` runs in a worker thread: the JavaScript thread is free until its promise settles, so the caller can
   * run another module meanwhile (ThreadedRunner). Absent: runs on the calling thread.
   */
  threaded?: boolean;
}

export interface InferOptions {
  /** Fetch only these outputs (default: all). */
  outputs?: readonly string[];
}

/** Where a stack comes from: ONNX Runtime execution providers or TensorRT engines run by trtexec. */
export type StackFamily = 'onnxruntime' | 'tensorrt';
