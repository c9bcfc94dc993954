/**
 * Messages between the tracker and its host-stage worker. Buffers travel in the transfer list (moved, not
 * copied) and come back with the reply, so a steady loop allocates nothing. onnxruntime-node refuses tensors
 * over a SharedArrayBuffer ("Invalid argument"), which is why plain transferred ArrayBuffers are used.
 */

/** Preprocess an 8-bit interleaved frame into the normalised [1,3,size,size] tensor written into `out`. */
export interface PreprocessJob {
  kind: 'preprocess';
  id: number;
  /** The frame's pixels: a copy owned by the job, or the caller's frame itself when it is in shared memory. */
  pixels: ArrayBuffer | Uint8Array;
  width: number;
  height: number;
  channels: number;
  size: number;
  /** 3 * size * size float32 values. */
  out: ArrayBuffer;
}

/** sigmoid(bilinear(logits, side x side)) * scale + bias: the memory encoder's mask input, written into `out`. */
export interface MaskForMemJob {
  kind: 'mask-for-mem';
  id: number;
  /** [height, width] float32 logits (a copy owned by the job). */
  logits: ArrayBuffer;
  height: number;
  width: number;
  side: number;
  scale: number;
  bias: number;
  /** side * side float32 values. */
  out: ArrayBuffer;
}

/** [channels, hw] -> [hw, channels] (image features to memory-attention tokens), written into `out`. */
export interface TokensJob {
  kind: 'tokens';
  id: number;
  /** channels * hw float32 values (a copy owned by the job). */
  source: ArrayBuffer;
  channels: number;
  hw: number;
  out: ArrayBuffer;
}

export type HostJob = PreprocessJob | MaskForMemJob | TokensJob;

/** The input buffer of a job. */
export function jobInput(job: HostJob): ArrayBuffer | Uint8Array {
  return job.kind === 'preprocess' ? job.pixels : job.kind === 'tokens' ? job.source : job.logits;
}

/** The reply to a job: its buffers back, or the error message. */
export type HostReply =
  | { id: number; ok: true; input: ArrayBuffer | undefined; out: ArrayBuffer }
  | { id: number; ok: false; message: string; input: ArrayBuffer | undefined; out: ArrayBuffer };

/** The transfer list of a job or reply (shared memory is not transferred: both threads see it). */
export function transfers(message: HostJob | HostReply): ArrayBuffer[] {
  const input = 'kind' in message ? jobInput(message) : message.input;
  return input instanceof ArrayBuffer ? [input, message.out] : [message.out];
}
