import { SeededRandom } from '@tamkit/common';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, readFloatValues } from '../src/index.js';
import { DataType, type ModelProto } from '../src/onnx/types.js';
import { ModuleBuilder } from '../src/zoo/builder/index.js';
import {
  buildMemoryAttention,
  MEMORY_ATTENTION_CONFIGS,
  type MemoryAttentionConfig,
  memoryTokenCount,
  tokensPerObjectPointer,
} from '../src/zoo/efficienttam/memory-attention.js';
import { applyRotary, computeAxialRopeTables } from '../src/zoo/efficienttam/rope.js';

function normalTensor(seed: number, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    new SeededRandom(seed).fill(n, (r) => r.normal()),
    dims,
  );
}

interface MemoryFeeds {
  memory: Float32Array;
  memoryPos: Float32Array;
  tokens: number;
  pointerTokens: number;
}

function memoryFeeds(config: MemoryAttentionConfig, frames: number, pointers: number): MemoryFeeds {
  const tokens = memoryTokenCount(config, frames, pointers);
  const n = tokens * config.memDim;
  return {
    memory: new SeededRandom(3).fill(n, (r) => r.normal()),
    memoryPos: new SeededRandom(4).fill(n, (r) => r.normal()),
    tokens,
    pointerTokens: pointers * tokensPerObjectPointer(config),
  };
}

async function runMemoryAttention(
  session: ort.InferenceSession,
  config: MemoryAttentionConfig,
  mem: MemoryFeeds,
): Promise<ort.Tensor> {
  const tokens = config.grid[0] * config.grid[1];
  const memDims = [mem.tokens, 1, config.memDim];
  const out = await session.run({
    curr: normalTensor(1, [tokens, 1, config.dModel]),
    curr_pos: normalTensor(2, [tokens, 1, config.dModel]),
    memory: new ort.Tensor('float32', mem.memory, memDims),
    memory_pos: new ort.Tensor('float32', mem.memoryPos, memDims),
    num_obj_ptr_tokens: new ort.Tensor('int64', BigInt64Array.from([BigInt(mem.pointerTokens)]), []),
  });
  return out.pix_feat_with_mem!;
}

function parameterCount(model: ModelProto, skip: (name: string) => boolean = () => false): number {
  let total = 0;
  for (const t of model.graph!.initializer) {
    if (!skip(t.name ?? '')) total += t.dims.reduce((a: number, d) => a * Number(d), 1);
  }
  return total;
}

function allFinite(values: Float32Array): boolean {
  return values.every((v) => Number.isFinite(v));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Swaps tokens i and j (rows of memDim values) in place. */
function swapTokens(values: Float32Array, dim: number, i: number, j: number): void {
  const a = values.slice(i * dim, (i + 1) * dim);
  values.copyWithin(i * dim, j * dim, (j + 1) * dim);
  values.set(a, j * dim);
}

describe.each([{ size: 'tiny' as const }, { size: 'full' as const }])('memory_attention ($size)', ({ size }) => {
  const config = MEMORY_ATTENTION_CONFIGS[size];
  const { model } = buildMemoryAttention({ size, seed: 1, outliers: false });
  const bytes = encodeModel(model);

  it('declares the documented inputs, with a symbolic memory-token axis and an int64 scalar pointer count', () => {
    const graph = model.graph!;
    expect(graph.input.map((v) => v.name)).toEqual(['curr', 'curr_pos', 'memory', 'memory_pos', 'num_obj_ptr_tokens']);
    const memoryType = graph.input[2]?.type?.tensorType;
    expect(memoryType?.shape?.dim.map((d) => d.dimParam ?? d.dimValue)).toEqual(['num_mem_tokens', 1, config.memDim]);
    const countType = graph.input[4]?.type?.tensorType;
    expect(countType?.elemType).toBe(DataType.INT64);
    expect(countType?.shape?.dim).toEqual([]);
    expect(graph.output.map((v) => v.name)).toEqual(['pix_feat_with_mem']);
  });

  it('runs with one memory frame and one pointer, and with 7 frames and 16 pointers, giving finite features', async () => {
    const session = await ort.InferenceSession.create(bytes);
    try {
      for (const [frames, pointers] of [
        [1, 1],
        [7, 16],
      ] as const) {
        const out = await runMemoryAttention(session, config, memoryFeeds(config, frames, pointers));
        expect(out.dims).toEqual([config.grid[0] * config.grid[1], 1, config.dModel]);
        expect(allFinite(out.data as Float32Array)).toBe(true);
      }
    } finally {
      await session.release();
    }
  });
});

describe('memory_attention at full size', () => {
  const { model } = buildMemoryAttention({ size: 'full', seed: 1, outliers: false });

  it('takes 1024 + 4 memory tokens for one frame and one pointer, and 7232 for 7 frames and 16 pointers', () => {
    const config = MEMORY_ATTENTION_CONFIGS.full;
    expect(memoryTokenCount(config, 1, 1)).toBe(1028);
    expect(memoryTokenCount(config, 7, 16)).toBe(7232);
  });

  it('has within 3% of the real export parameters: 6.18M with the RoPE tables, 5.92M without', () => {
    const withTables = parameterCount(model);
    const withoutTables = parameterCount(model, (name) => /freqs_(cos|sin)$/.test(name));
    expect(Math.abs(withTables / 6.18e6 - 1)).toBeLessThan(0.03);
    expect(Math.abs(withoutTables / 5.92e6 - 1)).toBeLessThan(0.03);
  });

  it('has the attention structure of the real export: 8 Softmax, 13 LayerNormalization, 56 MatMul, 4 Relu', () => {
    const count = (op: string) => model.graph!.node.filter((n) => n.opType === op).length;
    expect([count('Softmax'), count('LayerNormalization'), count('MatMul'), count('Relu')]).toEqual([8, 13, 56, 4]);
    const names = new Set(model.graph!.node.map((n) => n.name));
    expect(names.has('/memory_attention/layers.1/cross_attn_image/MatMul')).toBe(true);
  });

  it('is byte-identical for the same seed', () => {
    const again = buildMemoryAttention({ size: 'full', seed: 1, outliers: false }).model;
    expect(Buffer.from(encodeModel(again)).equals(Buffer.from(encodeModel(model)))).toBe(true);
  });
});

describe('memory_attention weights and RoPE', () => {
  it('draws different weights for a different seed but keeps the same RoPE tables', () => {
    const a = buildMemoryAttention({ size: 'tiny', seed: 1, outliers: false }).model.graph!.initializer;
    const b = buildMemoryAttention({ size: 'tiny', seed: 2, outliers: false }).model.graph!.initializer;
    const find = (list: typeof a, suffix: string) =>
      readFloatValues(list.find((t) => (t.name ?? '').endsWith(suffix))!);
    expect(find(a, 'layers.0.self_attn.q_proj.weight')).not.toEqual(find(b, 'layers.0.self_attn.q_proj.weight'));
    expect(find(a, 'freqs_cos')).toEqual(find(b, 'freqs_cos'));
  });

  it('rotates each pair (x[2i], x[2i+1]) by the axial angle of its token, x for the first half and y for the second', async () => {
    const dim = 8;
    const [endX, endY] = [4, 3];
    const tables = computeAxialRopeTables(dim, endX, endY, 10000);
    const b = new ModuleBuilder('rope', { seed: 0 });
    const x = b.input('x', [1, 1, endX * endY, dim]);
    const names = {
      cos: b.initializer('cos', [endX * endY, dim / 2], tables.cos),
      sin: b.initializer('sin', [endX * endY, dim / 2], tables.sin),
    };
    const y = applyRotary(b, x, names, { tokens: endX * endY, pairs: dim / 2 });
    b.output('y', y, [1, 1, endX * endY, dim]);
    const input = new SeededRandom(5).fill(endX * endY * dim, (r) => r.normal());
    const session = await ort.InferenceSession.create(encodeModel(b.build()));
    const out = (await session.run({ x: new ort.Tensor('float32', input, [1, 1, endX * endY, dim]) })).y!;
    await session.release();
    const got = out.data as Float32Array;
    for (let t = 0; t < endX * endY; t++) {
      for (let i = 0; i < dim / 2; i++) {
        // SAM 2 frequencies: theta^(-4i/dim) over dim/4 pairs, first half by column x, second by row y.
        const k = i % (dim / 4);
        const position = i < dim / 4 ? t % endX : Math.floor(t / endX);
        const angle = position / 10000 ** ((4 * k) / dim);
        const [re, im] = [input[t * dim + 2 * i]!, input[t * dim + 2 * i + 1]!];
        expect(got[t * dim + 2 * i]).toBeCloseTo(re * Math.cos(angle) - im * Math.sin(angle), 5);
        expect(got[t * dim + 2 * i + 1]).toBeCloseTo(re * Math.sin(angle) + im * Math.cos(angle), 5);
      }
    }
  });

  it('leaves object-pointer tokens out of RoPE: reordering them changes nothing, reordering spatial tokens does', async () => {
    const config = MEMORY_ATTENTION_CONFIGS.tiny;
    const session = await ort.InferenceSession.create(
      encodeModel(buildMemoryAttention({ size: 'tiny', seed: 3, outliers: false }).model),
    );
    try {
      const base = memoryFeeds(config, 1, 4);
      const reference = (await runMemoryAttention(session, config, base)).data as Float32Array;
      const last = base.tokens - 1;
      const firstPointer = base.tokens - base.pointerTokens;

      const pointersSwapped = memoryFeeds(config, 1, 4);
      swapTokens(pointersSwapped.memory, config.memDim, firstPointer, last);
      swapTokens(pointersSwapped.memoryPos, config.memDim, firstPointer, last);
      const samePointers = (await runMemoryAttention(session, config, pointersSwapped)).data as Float32Array;
      expect(maxAbsDiff(samePointers, reference)).toBeLessThan(1e-5);

      const spatialSwapped = memoryFeeds(config, 1, 4);
      swapTokens(spatialSwapped.memory, config.memDim, 0, 500);
      swapTokens(spatialSwapped.memoryPos, config.memDim, 0, 500);
      const moved = (await runMemoryAttention(session, config, spatialSwapped)).data as Float32Array;
      expect(maxAbsDiff(moved, reference)).toBeGreaterThan(1e-4);
    } finally {
      await session.release();
    }
  });

  it('keeps the tiny module well under 1 MB', () => {
    const bytes = encodeModel(buildMemoryAttention({ size: 'tiny', seed: 1, outliers: false }).model);
    expect(bytes.length).toBeLessThan(1_000_000);
  });
});
