/**
 * Messages between the tracker and its host-stage worker. Buffers travel in the transfer list (moved, not
 * copied) and come back with the reply, so a steady loop allocates nothing. onnxruntime-node refuses tensors
 * over a SharedArrayBuffer ("Invalid argument"), which is why plain transferred ArrayBuffers are used.
 */

/** Preprocess an 8-bit interleaved frame into the normalised [1,3,size,size] tensor written into `out`. */
export interface PreprocessJob {
  kind: 'preprocess';
  id: number;
  /** The frame's pixels (a copy owned by the job). */
  pixels: ArrayBuffer;
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

export type HostJob = PreprocessJob | MaskForMemJob;

/** The reply to a job: its buffers back, or the error message. */
export type HostReply =
  | { id: number; ok: true; input: ArrayBuffer; out: ArrayBuffer }
  | { id: number; ok: false; message: string; input: ArrayBuffer; out: ArrayBuffer };

/** The transfer list of a job or reply. */
export function transfers(message: HostJob | HostReply): ArrayBuffer[] {
  return 'kind' in message && message.kind === 'preprocess'
    ? [message.pixels, message.out]
    : 'kind' in message
      ? [message.logits, message.out]
      : [message.input, message.out];
}
