import { describe, expect, it } from 'vitest';
import {
  convertToBfloat16,
  convertToFloat16,
  DataType,
  emulateFloat16,
  encodeModel,
  findAttentionScores,
  inferElemTypes,
  insertFp32Islands,
  type ModelProto,
  makeNode,
  ToolkitError,
} from '../src/index.js';
import { attentionModel, GraphSketch } from './helpers/graphs.js';
import { graphOf, maxAbsDiff, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';

const x = { type: 'float32' as const, dims: [1, 8, 16], data: seededValues(128, 42) };
const xHalf = { ...x, type: 'float16' as const };

async function y(model: ModelProto, half = false, optimization: 'all' | 'basic' | 'disabled' = 'all') {
  return (await runModel(model, { x: half ? xHalf : x }, { optimization })).y!.data;
}

describe('convertToFloat16', () => {
  it.each([
    ['prescaled-qk', 'decomposed'],
    ['scaled-div', 'op'],
  ] as const)('keeps %s attention with %s layer norm within FP16 tolerance of FP32', async (form, norm) => {
    const model = attentionModel({ form, norm, mask: true });
    const reference = await y(model);
    const { model: half, report } = convertToFloat16(model);
    expect(report.initializersConverted).toBeGreaterThan(0);
    expect(graphOf(half).input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
    // Metric: relative L2 error of the output against FP32, computed on the same FP16-representable input.
    const out = await y(half, true);
    expect(relativeL2(out, reference)).toBeLessThan(5e-3);
  });

  it('leaves its input model unchanged', () => {
    const model = attentionModel({ form: 'prescaled-qk' });
    const before = encodeModel(model);
    convertToFloat16(model);
    expect(encodeModel(model)).toEqual(before);
  });

  it('keeps FP32 I/O behind boundary Casts with keepIoTypes', async () => {
    const model = attentionModel({ form: 'scaled-mul' });
    const { model: half } = convertToFloat16(model, { keepIoTypes: true });
    expect(graphOf(half).input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(graphOf(half).output[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(relativeL2(await y(half), await y(model))).toBeLessThan(5e-3);
  });

  it('keeps blocked ops in FP32 with Casts around them', async () => {
    const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed' });
    const { model: half, report } = convertToFloat16(model, { blockOps: ['Softmax', 'Pow'] });
    const types = inferElemTypes(half.graph!);
    for (const n of graphOf(half).node.filter((n) => n.opType === 'Softmax' || n.opType === 'Pow')) {
      expect(types.get(n.output[0]!)).toBe(DataType.FLOAT);
    }
    expect(report.castsInserted).toBeGreaterThan(0);
    expect(relativeL2(await y(half, true), await y(model))).toBeLessThan(5e-3);
  });

  it('removes Cast pairs that cancel, so back-to-back blocked nodes share one FP32 region', () => {
    const model = attentionModel({ form: 'scaled-mul', mask: true });
    const [att] = findAttentionScores(graphOf(model));
    if (!att) throw new Error('no attention found');
    const { model: half } = convertToFloat16(model, { blockNodes: [att.maskAdd!, att.softmax] });
    const casts = graphOf(half).node.filter((n) => n.opType === 'Cast');
    // In: the scores (the mask initializer, read only by the blocked Add, stays FP32); out: the probabilities.
    // No FP16 round trip between the Add and the Softmax.
    expect(casts).toHaveLength(2);
    expect(graphOf(half).initializer.find((t) => t.name === 'mask')!.dataType).toBe(DataType.FLOAT);
  });

  it('reports initializer values beyond the FP16 range and clamps them only when asked', async () => {
    const model = attentionModel({ form: 'scaled-mul' });
    const wv = graphOf(model).initializer.find((t) => t.name === 'wv')!;
    const values = new Float32Array(
      wv.rawData!.buffer.slice(wv.rawData!.byteOffset, wv.rawData!.byteOffset + wv.rawData!.byteLength),
    );
    values[0] = 1e6;
    wv.rawData = new Uint8Array(values.buffer);
    const plain = convertToFloat16(model).report;
    expect(plain.outOfRange).toEqual([{ tensor: 'wv', count: 1, maxAbs: 1e6 }]);
    const { model: clamped, report } = convertToFloat16(model, { clampInitializers: true });
    expect(report.clamped).toBe(true);
    const out = await y(clamped, true);
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('refuses a model that is already FP16', () => {
    const { model: half } = convertToFloat16(attentionModel({ form: 'scaled-mul' }));
    expect(() => convertToFloat16(half)).toThrow(expect.objectContaining({ code: 'FP16_ALREADY' }));
  });

  it('BAD CALL - refuses partly converted models: FP16 with FP32 I/O, FP16 with blocked ops, and BF16 for fp16', async () => {
    const model = attentionModel({ form: 'scaled-mul' });
    for (const converted of [
      convertToFloat16(model, { keepIoTypes: true }).model,
      convertToFloat16(model, { blockOps: ['Softmax'] }).model,
      convertToBfloat16(model, { keepIoTypes: true }).model,
    ]) {
      for (const convert of [convertToFloat16, convertToBfloat16]) {
        const error = (() => {
          try {
            convert(converted);
          } catch (e) {
            return e;
          }
        })();
        expect(error).toBeInstanceOf(ToolkitError);
        expect((error as ToolkitError).code).toMatch(/^(FP16|BF16)_ALREADY$/);
        expect((error as ToolkitError).remedy).toMatch(/FP32 original/);
      }
    }
  });

  it('refuses unknown node names to block', () => {
    expect(() => convertToFloat16(attentionModel({ form: 'scaled-mul' }), { blockNodes: ['/nope'] })).toThrow(
      expect.objectContaining({ code: 'NODE_NOT_FOUND' }),
    );
  });
});

describe('emulateFloat16 and FP32 islands on a model with outliers', () => {
  for (const form of ['prescaled-qk', 'scaled-mul'] as const) {
    it(`shows ${form} FP16 breakage on the CPU provider and islands repair it`, async () => {
      const model = attentionModel({ form, norm: 'decomposed', outliers: 300, mask: true });
      const reference = await y(model);
      expect(reference.every(Number.isFinite)).toBe(true);
      // Native FP16 on ORT's CPU provider computes in FP32 inside: the overflow is invisible there.
      const { model: emulated } = emulateFloat16(model);
      expect(relativeL2(await y(emulated), reference)).toBeGreaterThan(0.5);
      const { model: islands, report } = emulateFloat16(model, { exceptPatterns: ['attention-scores', 'layernorm'] });
      expect(report.exceptedNodes).toBeGreaterThan(8);
      expect(relativeL2(await y(islands), reference)).toBeLessThan(1e-2);
    });
  }

  it('rounds every float tensor as FP16 storage would and leaves an FP16-safe model close to FP32', async () => {
    const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed' });
    const { model: emulated, report } = emulateFloat16(model);
    expect(report.roundedTensors).toBeGreaterThan(10);
    const out = await y(emulated);
    const reference = await y(model);
    expect(relativeL2(out, reference)).toBeLessThan(5e-3);
    expect(maxAbsDiff(out, reference)).toBeGreaterThan(0);
  });

  it('BAD CALL - refuses to emulate an emulated model (the Cast pairs would double), in either format', () => {
    const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed' });
    for (const format of ['fp16', 'bf16'] as const) {
      const { model: emulated } = emulateFloat16(model, { format });
      // Recognised by its metadata stamp, and by its Cast pairs where another tool left no stamp.
      const unstamped = { ...emulated, metadataProps: [] };
      for (const again of ['fp16', 'bf16'] as const) {
        for (const m of [emulated, unstamped]) {
          expect(() => emulateFloat16(m, { format: again })).toThrow(
            expect.objectContaining({ code: 'EMULATE_ALREADY' }),
          );
        }
      }
    }
  });

  it('models fused attention that skips the max subtraction: large logits overflow exp()', async () => {
    const model = attentionModel({ form: 'scaled-mul', outliers: 4 });
    const { model: safe } = emulateFloat16(model);
    const { model: fused, report } = emulateFloat16(model, { fusedAttention: true });
    expect(report.fusedSoftmaxes).toBe(1);
    expect(graphOf(fused).node.some((n) => n.opType === 'Softmax')).toBe(false);
    const reference = await y(model);
    expect(relativeL2(await y(safe), reference)).toBeLessThan(1e-2);
    expect((await y(fused)).some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('insertFp32Islands makes attention scores and layer norms compute in FP32 inside the FP16 graph', async () => {
    const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed', outliers: 300 });
    const { model: half } = convertToFloat16(model);
    const { model: islands, report } = insertFp32Islands(half, { patterns: ['attention-scores', 'layernorm'] });
    const types = inferElemTypes(islands.graph!);
    const softmax = graphOf(islands).node.find((n) => n.opType === 'Softmax')!;
    const pow = graphOf(islands).node.find((n) => n.opType === 'Pow')!;
    expect(types.get(softmax.output[0]!)).toBe(DataType.FLOAT);
    expect(types.get(pow.output[0]!)).toBe(DataType.FLOAT);
    expect(graphOf(islands).output[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
    expect(report.castsIn).toBeGreaterThan(0);
    expect(report.castsOut).toBeGreaterThan(0);
    // ORT's CPU provider runs it; values are close to FP32 there (the GPU check is in the closing note).
    expect(relativeL2(await y(islands, true), await y(model))).toBeLessThan(1e-2);
  });

  it('insertFp32Islands refuses an FP32 model and unknown nodes', () => {
    const model = attentionModel({ form: 'scaled-mul' });
    expect(() => insertFp32Islands(model, { nodes: ['/attn/Softmax_9'] })).toThrow(
      expect.objectContaining({ code: 'FP32_ISLANDS_NOT_FP16' }),
    );
    const { model: half } = convertToFloat16(model);
    expect(() => insertFp32Islands(half, { nodes: ['/nope'] })).toThrow(
      expect.objectContaining({ code: 'NODE_NOT_FOUND' }),
    );
  });
});

describe('Resize scales stay FLOAT, as the ONNX spec requires', () => {
  /** x [1,1,10,10] -> Resize by 1.3 (not an FP16 value: it rounds to 1.2998, which would give 12 rows, not 13). */
  function resizeModel() {
    const g = new GraphSketch('/resize');
    const x = g.input('x', DataType.FLOAT, [1, 1, 10, 10]);
    const scales = g.constant('scales', DataType.FLOAT, [4], [1, 1, 1.3, 1.3]);
    g.graph.node.push(makeNode({ opType: 'Resize', name: '/resize/Resize', inputs: [x, '', scales], outputs: ['y'] }));
    g.output('y', DataType.FLOAT, [1, 1, 13, 13]);
    return g.model();
  }
  const feeds = { x: { type: 'float32' as const, dims: [1, 1, 10, 10], data: seededValues(100, 3) } };

  it('in native FP16 and in emulation, so output sizes do not change', async () => {
    const model = resizeModel();
    const { model: half } = convertToFloat16(model);
    expect(graphOf(half).initializer.find((t) => t.name === 'scales')?.dataType).toBe(DataType.FLOAT);
    expect((await runModel(half, { x: { ...feeds.x, type: 'float16' } })).y?.dims).toEqual([1, 1, 13, 13]);
    const { model: emulated } = emulateFloat16(model);
    expect((await runModel(emulated, feeds)).y?.dims).toEqual([1, 1, 13, 13]);
  });
});
