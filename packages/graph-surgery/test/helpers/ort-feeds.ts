import { SeededRandom } from '@tamkit/common';
/** Runs models in onnxruntime-node (CPU provider) for numeric tests. */
import * as ort from 'onnxruntime-node';
import {
  encodeModel,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  type GraphProto,
  type ModelProto,
} from '../../src/index.js';

export type Feed = {
  type: 'float32' | 'float16' | 'uint8' | 'bool' | 'int32' | 'int64';
  dims: number[];
  data: ArrayLike<number>;
};

export interface Output {
  dims: number[];
  /** Values as float32 (FLOAT16 outputs decoded exactly), or int values as numbers. */
  data: Float32Array;
  type: string;
}

export function toTensor(feed: Feed): ort.Tensor {
  switch (feed.type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(feed.data), feed.dims);
    case 'float16':
      return new ort.Tensor(
        'float16',
        Uint16Array.from(feed.data, (v) => float32ToFloat16Bits(v)),
        feed.dims,
      );
    case 'uint8':
      return new ort.Tensor('uint8', Uint8Array.from(feed.data), feed.dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(feed.data), feed.dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(feed.data), feed.dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(Array.from(feed.data), (v) => BigInt(v)),
        feed.dims,
      );
  }
}

function fromTensor(t: ort.Tensor): Output {
  const dims = [...t.dims];
  if (t.type === 'float16') {
    const bits = t.data as Uint16Array;
    return { dims, type: t.type, data: Float32Array.from(bits, (b) => float16BitsToFloat32(b)) };
  }
  const data = t.data as ArrayLike<number | bigint>;
  return { dims, type: t.type, data: Float32Array.from({ length: data.length }, (_, i) => Number(data[i])) };
}

/** Runs `model` on `feeds` and returns every graph output (or those named). */
export async function runModel(
  model: ModelProto,
  feeds: Record<string, Feed>,
  options: { outputs?: string[]; optimization?: 'disabled' | 'basic' | 'extended' | 'all' } = {},
): Promise<Record<string, Output>> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.optimization ?? 'all',
    intraOpNumThreads: 2,
    logSeverityLevel: 3,
  });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) inputs[name] = toTensor(feed);
    const results = options.outputs ? await session.run(inputs, options.outputs) : await session.run(inputs);
    const out: Record<string, Output> = {};
    for (const [name, t] of Object.entries(results)) out[name] = fromTensor(t);
    return out;
  } finally {
    await session.release();
  }
}

/** Largest |a - b|; Infinity when one side is non-finite and the other is not the same value. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const d = Math.abs(x - y);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Largest |a - b| / max(1, |b|): absolute below 1, relative above (float32 resolution grows with magnitude). */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** ||a - b|| / ||b|| (Infinity when a holds non-finite values). */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i]! - b[i]!;
    num += d * d;
    den += b[i]! * b[i]!;
  }
  const r = Math.sqrt(num) / Math.sqrt(den || 1);
  return Number.isFinite(r) ? r : Infinity;
}

/** Deterministic pseudo-random values in [lo, hi). */
export function seededValues(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = new SeededRandom(seed);
  return random.fill(count, (r) => r.uniform(lo, hi));
}

/** The model's graph (tests build complete models; a missing graph is a test bug). */
export function graphOf(model: { graph?: GraphProto }): GraphProto {
  if (!model.graph) throw new Error('model has no graph');
  return model.graph;
}
