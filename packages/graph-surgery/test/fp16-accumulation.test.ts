/** `emulate-fp16 --accumulate`: FP16 accumulation of MatMul reductions, checked in ONNX Runtime. */
import { describe, expect, it } from 'vitest';
import {
  DataType,
  EMULATION_METADATA_KEY,
  emptyGraph,
  emulateFloat16,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  type ModelProto,
  makeModel,
  makeNode,
  makeValueInfo,
  nodeNamesOfPattern,
} from '../src/index.js';
import { feedsFor } from './helpers/bake-checks.js';
import { graphOf, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

const f16 = (x: number) => float16BitsToFloat32(float32ToFloat16Bits(x));

/** y = a @ b with a [1, M, K] and b [K, N] both graph inputs, K symbolic. */
function matmulModel(m: number, n: number): ModelProto {
  const graph = emptyGraph('matmul');
  graph.input.push(makeValueInfo('a', DataType.FLOAT, [1, m, 'k']), makeValueInfo('b', DataType.FLOAT, ['k', n]));
  graph.output.push(makeValueInfo('y', DataType.FLOAT, [1, m, n]));
  graph.node.push(makeNode({ opType: 'MatMul', name: '/attn/MatMul_1', inputs: ['a', 'b'], outputs: ['y'] }));
  return makeModel({ graph });
}

/** The same accumulation in TypeScript: chunk partial sums in double, rounded; running sum rounded after each. */
function referenceAccumulation(a: Float32Array, b: Float32Array, m: number, k: number, n: number, chunk: number) {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let c = 0; c < k; c += chunk) {
        let partial = 0;
        for (let t = c; t < Math.min(c + chunk, k); t++)
          partial = Math.fround(partial + f16(a[i * k + t]!) * f16(b[t * n + j]!));
        acc = c === 0 ? f16(partial) : f16(f16(partial) + acc);
      }
      out[i * n + j] = f16(acc);
    }
  return out;
}

describe('FP16 accumulation in emulate-fp16', () => {
  it('chunk 1 sums sequentially in FP16, exactly as a TypeScript reference does, for a dynamic K', async () => {
    const [m, k, n] = [3, 37, 5];
    const a = seededValues(m * k, 1, 0, 1);
    const b = seededValues(k * n, 2, 50, 60);
    const { model, report } = emulateFloat16(matmulModel(m, n), { accumulation: { chunk: 1 } });
    expect(report.accumulatedMatMuls).toEqual(['/attn/MatMul_1']);
    const out = await runModel(model, {
      a: { type: 'float32', dims: [1, m, k], data: a },
      b: { type: 'float32', dims: [k, n], data: b },
    });
    expect(out.y!.data).toEqual(referenceAccumulation(a, b, m, k, n, 1));
  });

  it('larger chunks round less often: the error against FP32 shrinks with the chunk, and storage-only rounding is smallest', async () => {
    const [m, k, n] = [4, 4096, 4];
    const a = seededValues(m * k, 3, 0, 2 / k);
    const b = seededValues(k * n, 4, 0.5, 1.5);
    const feeds = {
      a: { type: 'float32' as const, dims: [1, m, k], data: a },
      b: { type: 'float32' as const, dims: [k, n], data: b },
    };
    const exact = (await runModel(matmulModel(m, n), feeds)).y!.data;
    const error = async (chunk?: number) => {
      const options = chunk === undefined ? {} : { accumulation: { chunk } };
      return relativeL2((await runModel(emulateFloat16(matmulModel(m, n), options).model, feeds)).y!.data, exact);
    };
    const [sequential, chunked, storage] = [await error(1), await error(64), await error()];
    expect(sequential).toBeGreaterThan(chunked);
    expect(chunked).toBeGreaterThan(storage);
    // Thousands of FP16 additions of small terms to a sum near 1 lose most of the terms' low bits.
    expect(sequential).toBeGreaterThan(1e-3);
    expect(storage).toBeLessThan(1e-3);
  });

  it('records what was emulated in the model metadata', () => {
    const { model } = emulateFloat16(matmulModel(2, 2), { accumulation: { chunk: 8 }, fusedAttention: true });
    const stamp = model.metadataProps.find((p) => p.key === EMULATION_METADATA_KEY);
    expect(JSON.parse(stamp!.value!)).toEqual({
      format: 'fp16',
      fusedAttention: true,
      accumulationChunk: 8,
      accumulatedMatMuls: 1,
    });
  });

  it('BAD INPUT - a chunk that is not a positive integer is refused', () => {
    expect(() => emulateFloat16(matmulModel(2, 2), { accumulation: { chunk: 0 } })).toThrow(
      expect.objectContaining({ code: 'EMULATE_CHUNK' }),
    );
  });

  it('memory_attention with a full bank: accumulation shows an error storage emulation misses; the mixed preset removes most of it', async () => {
    const model = zooModule('tiny', 'memory_attention');
    // Seven memory frames and sixteen pointers: cross-attention sums over 7232 keys. The memory features get a
    // nonzero mean, as a memory encoder's output has: the running sums then grow, and rounding them in FP16
    // bites (zero-mean random features keep the sums near zero, where FP16 is fine).
    const feeds = feedsFor(model, { num_mem_tokens: 7232, num_obj_ptr_tokens: 64 });
    feeds.memory = { ...feeds.memory!, data: Float32Array.from(feeds.memory!.data, (v) => v + 1) };
    const exact = (await runModel(model, feeds)).pix_feat_with_mem!.data;
    const error = async (options: Parameters<typeof emulateFloat16>[1]) =>
      relativeL2((await runModel(emulateFloat16(model, options).model, feeds)).pix_feat_with_mem!.data, exact);
    const except = nodeNamesOfPattern(graphOf(model), 'mixed');
    const storage = await error({});
    const accumulated = await error({ accumulation: { chunk: 16 } });
    const withPreset = await error({ accumulation: { chunk: 16 }, except });
    expect(accumulated).toBeGreaterThan(2 * storage);
    expect(withPreset).toBeLessThan(accumulated / 2);
  });
});
