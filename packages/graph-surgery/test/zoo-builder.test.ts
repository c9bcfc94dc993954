import { SeededRandom } from '@tamkit/common';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, readFloatValues } from '../src/index.js';
import { DataType } from '../src/onnx/types.js';
import {
  conv2d,
  gelu,
  layerNorm,
  layerNorm2d,
  linear,
  ModuleBuilder,
  mergeHeads,
  scaledDotProductAttention,
  splitHeads,
} from '../src/zoo/builder/index.js';

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function randomTensor(seed: number, dims: number[]): ort.Tensor {
  const rng = new SeededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    rng.fill(n, (r) => r.normal()),
    dims,
  );
}

describe('ModuleBuilder', () => {
  it('names nodes and initializers after the scope stack, numbering repeats as torch does', () => {
    const b = new ModuleBuilder('image_encoder', { seed: 0 });
    const x = b.input('x', [1, 4, 8]);
    b.scope('trunk', () =>
      b.scope('blocks.2', () =>
        b.scope('attn', () => {
          linear(b, x, 'qkv', 8, 24);
          b.op1('Softmax', [x], { axis: -1 });
          b.op1('Softmax', [x], { axis: -1 });
        }),
      ),
    );
    const names = b.graph.node.map((n) => n.name);
    expect(names).toContain('/image_encoder/trunk/blocks.2/attn/qkv/MatMul');
    expect(names).toContain('/image_encoder/trunk/blocks.2/attn/Softmax');
    expect(names).toContain('/image_encoder/trunk/blocks.2/attn/Softmax_1');
    expect(b.graph.initializer.map((t) => t.name)).toEqual([
      'image_encoder.trunk.blocks.2.attn.qkv.weight',
      'image_encoder.trunk.blocks.2.attn.qkv.bias',
    ]);
    expect(b.parameters).toBe(8 * 24 + 24);
  });

  it('draws a weight from the seed and its name only, independent of build order', () => {
    const first = new ModuleBuilder('m', { seed: 3 });
    first.weight('a', [10], { std: 1 });
    first.weight('b', [10], { std: 1 });
    const second = new ModuleBuilder('m', { seed: 3 });
    second.weight('b', [10], { std: 1 });
    const other = new ModuleBuilder('m', { seed: 4 });
    other.weight('b', [10], { std: 1 });
    const values = (bld: ModuleBuilder, name: string) =>
      readFloatValues(bld.graph.initializer.find((t) => t.name === name)!);
    expect(values(second, 'm.b')).toEqual(values(first, 'm.b'));
    expect(values(other, 'm.b')).not.toEqual(values(first, 'm.b'));
  });

  it('emits literals as Constant nodes, not initializers', () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', [2, 3]);
    b.output('y', gelu(b, x), [2, 3]);
    const ops = b.graph.node.map((n) => n.opType);
    expect(ops).toEqual(['Constant', 'Div', 'Erf', 'Constant', 'Add', 'Mul', 'Constant', 'Mul']);
    expect(b.graph.initializer).toHaveLength(0);
  });
});

describe('layers run in onnxruntime-node and compute what torch would', () => {
  it('GELU matches x * Phi(x)', async () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    b.output('y', gelu(b, b.input('x', [5])), [5]);
    const xs = [-3, -1, 0, 0.5, 2];
    const out = await run(encodeModel(b.build()), { x: new ort.Tensor('float32', Float32Array.from(xs), [5]) });
    const y = out.y!.data as Float32Array;
    // Phi(-1) = 0.158655, Phi(0.5) = 0.691462, Phi(2) = 0.977250, Phi(-3) = 0.001350.
    const expected = [-3 * 0.0013499, -0.158655, 0, 0.5 * 0.691462, 2 * 0.97725];
    for (const [i, e] of expected.entries()) expect(y[i]).toBeCloseTo(e, 4);
  });

  it('decomposed LayerNorm2d normalises each pixel over channels', async () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const x = b.input('x', [1, 8, 3, 3]);
    b.output(
      'y',
      layerNorm2d(b, x, 'norm', 8, { weightInit: { init: 'ones' }, biasInit: { init: 'zeros' } }),
      [1, 8, 3, 3],
    );
    const ops = b.graph.node.filter((n) => n.opType !== 'Constant').map((n) => n.opType);
    expect(ops).toEqual(['ReduceMean', 'Sub', 'Pow', 'ReduceMean', 'Add', 'Sqrt', 'Div', 'Mul', 'Add']);
    const out = await run(encodeModel(b.build()), { x: randomTensor(5, [1, 8, 3, 3]) });
    const y = out.y!.data as Float32Array;
    for (let p = 0; p < 9; p++) {
      const column = Array.from({ length: 8 }, (_, c) => y[c * 9 + p]!);
      const mean = column.reduce((s, v) => s + v, 0) / 8;
      const variance = column.reduce((s, v) => s + (v - mean) ** 2, 0) / 8;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 3);
    }
  });

  it('attention built from pre-scaled q and k equals softmax(q k^T / sqrt(d)) v', async () => {
    const b = new ModuleBuilder('m', { seed: 0 });
    const q = b.input('q', [1, 2, 4, 8]);
    const k = b.input('k', [1, 2, 5, 8]);
    const v = b.input('v', [1, 2, 5, 8]);
    b.output('y', scaledDotProductAttention(b, q, k, v).output, [1, 2, 4, 8]);
    const ops = b.graph.node.filter((n) => n.opType !== 'Constant').map((n) => n.opType);
    expect(ops).toContain('Softmax');
    expect(ops.filter((o) => o === 'Sqrt')).toHaveLength(3);
    const feeds = {
      q: randomTensor(1, [1, 2, 4, 8]),
      k: randomTensor(2, [1, 2, 5, 8]),
      v: randomTensor(3, [1, 2, 5, 8]),
    };
    const y = (await run(encodeModel(b.build()), feeds)).y!.data as Float32Array;
    const Q = feeds.q.data as Float32Array;
    const K = feeds.k.data as Float32Array;
    const V = feeds.v.data as Float32Array;
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 4; i++) {
        const s = Array.from({ length: 5 }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < 8; d++) dot += Q[(h * 4 + i) * 8 + d]! * K[(h * 5 + j) * 8 + d]!;
          return dot / Math.sqrt(8);
        });
        const m = Math.max(...s);
        const e = s.map((z) => Math.exp(z - m));
        const total = e.reduce((a, c) => a + c, 0);
        for (let d = 0; d < 8; d++) {
          const ref = e.reduce((acc, w, j) => acc + (w / total) * V[(h * 5 + j) * 8 + d]!, 0);
          expect(y[(h * 4 + i) * 8 + d]).toBeCloseTo(ref, 4);
        }
      }
  });

  it('a transformer-style block with dynamic head splitting runs for any token count', async () => {
    const b = new ModuleBuilder('enc', { seed: 11 });
    const x = b.input('x', [1, 'tokens', 16]);
    const img = b.input('img', [1, 3, 8, 8]);
    const y = b.scope('block', () => {
      const h = layerNorm(b, x, 'norm1', 16);
      const qkv = ['q', 'k', 'v'].map((n) => splitHeads(b, linear(b, h, n, 16, 16), 2));
      const att = scaledDotProductAttention(b, qkv[0]!, qkv[1]!, qkv[2]!).output;
      return b.op1('Add', [x, linear(b, mergeHeads(b, att), 'proj', 16, 16)]);
    });
    b.output('y', y, [1, 'tokens', 16]);
    b.output('feat', conv2d(b, img, 'conv', 3, 4, 3, { stride: 2, padding: 1 }), [1, 4, 4, 4]);
    const model = encodeModel(b.build());
    for (const tokens of [3, 7]) {
      const out = await run(model, { x: randomTensor(tokens, [1, tokens, 16]), img: randomTensor(9, [1, 3, 8, 8]) });
      expect(out.y!.dims).toEqual([1, tokens, 16]);
      expect(out.feat!.dims).toEqual([1, 4, 4, 4]);
      expect((out.y!.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    expect(b.graph.initializer.every((t) => t.dataType === DataType.FLOAT)).toBe(true);
  });
});
