/** Test helper: run a model in onnxruntime-node on CPU and summarise float outputs. */
import * as ort from 'onnxruntime-node';
import { encodeModel, type ModelProto, makeValueInfo } from '../../src/index.js';

export type Feeds = Record<string, ort.Tensor>;

/** Runs `model` once on the CPU provider (2 threads, to suit CI machines) and returns its outputs. */
export async function runModel(model: ModelProto | Uint8Array, feeds: Feeds): Promise<Record<string, ort.Tensor>> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 2 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** A deterministic, image-like float tensor (smooth pattern in [-2, 2]). */
export function patternTensor(dims: number[], phase = 0): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = 2 * Math.sin(i * 0.0137 + phase) * Math.cos(i * 0.00071);
  return new ort.Tensor('float32', data, dims);
}

/** A copy of `model` that also outputs `tensors` (intermediate tensors become graph outputs). */
export function exposeTensors(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = { ...model.graph!, output: [...model.graph!.output, ...tensors.map((t) => makeValueInfo(t, 1))] };
  return { ...model, graph };
}

export interface FloatStats {
  finite: boolean;
  maxAbs: number;
}

export function floatStats(t: ort.Tensor): FloatStats {
  let finite = true;
  let maxAbs = 0;
  for (const v of t.data as Float32Array) {
    if (!Number.isFinite(v)) finite = false;
    else maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  return { finite, maxAbs };
}

/** max |a - b| / max |b| over finite pairs; Infinity when `a` has a non-finite value where `b` is finite. */
export function relativeError(a: ort.Tensor, b: ort.Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(x[i]!)) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / scale;
}

/** Byte equality of two buffers (vitest's deep equality is far too slow for megabytes). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const view = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return view(a).equals(view(b));
}
