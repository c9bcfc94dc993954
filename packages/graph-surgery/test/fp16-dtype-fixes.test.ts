import { describe, expect, it } from 'vitest';
import {
  convertToFloat16,
  DataType,
  emulateFloat16,
  getAttribute,
  inferElemTypes,
  makeNode,
  readFloatValues,
} from '../src/index.js';
import { GraphSketch } from './helpers/graphs.js';
import { graphOf, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';

/**
 * x [2,3] + every op that hard-codes FLOAT, each reduced to a deterministic contribution. `random: false` leaves
 * out the Random* ops, which ORT's CPU provider has no FP16 kernels for.
 */
function dtypeModel(random = true) {
  const g = new GraphSketch('/fix');
  const x = g.input('x', DataType.FLOAT, [2, 3]);
  const zero = g.constant('zero', DataType.FLOAT, [], [0]);
  const shape = g.constant('shape', DataType.INT64, [2], [2n, 3n]);
  const times0 = (t: string) => g.op('Mul', [t, zero]);
  const randoms = random
    ? [
        times0(g.op('RandomNormal', [], { shape: [2, 3], seed: { float: 1 } })),
        times0(g.op('RandomUniform', [], { shape: [2, 3], dtype: DataType.FLOAT, seed: { float: 2 } })),
        times0(g.op('RandomNormalLike', [x], { dtype: DataType.FLOAT, seed: { float: 3 } })),
        times0(g.op('RandomUniformLike', [x], { dtype: DataType.FLOAT, seed: { float: 4 } })),
      ]
    : [];
  const terms = [...randoms, g.op('EyeLike', [x], { dtype: DataType.FLOAT }), g.op('ConstantOfShape', [shape], {})];
  const dims = g.op('Cast', [g.op('Shape', [x])], { to: DataType.FLOAT });
  graphOf(g).node.push(
    makeNode({
      opType: 'Constant',
      name: '/fix/half',
      inputs: [],
      outputs: ['half'],
      attributes: { value_float: 0.5 },
    }),
  );
  let sum = g.op('Mul', [x, 'half']);
  for (const t of terms) sum = g.op('Add', [sum, t]);
  const scaled = g.op('Mul', [sum, g.op('ReduceSum', [dims], { keepdims: 0 })]);
  graphOf(g).node.push(makeNode({ opType: 'Identity', name: '/fix/out', inputs: [scaled], outputs: ['y'] }));
  g.output('y', DataType.FLOAT, [2, 3]);
  return g.model();
}

describe('convertToFloat16 dtype fixes', () => {
  it('rewrites every attribute that hard-codes FLOAT so that no FLOAT tensor is left', () => {
    const { model: half, report } = convertToFloat16(dtypeModel());
    expect(report.dtypeFixes.map((f) => f.opType).sort()).toEqual(
      ['ConstantOfShape', 'EyeLike', 'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike'].sort(),
    );
    expect(report.castsRetargeted).toBe(1);
    expect(report.constantsConverted).toBe(1);
    const types = inferElemTypes(half.graph!);
    expect([...types.values()]).not.toContain(DataType.FLOAT);
    const fill = graphOf(half).node.find((n) => n.opType === 'ConstantOfShape')!;
    const value = getAttribute(fill, 'value')?.t;
    expect(value?.dataType).toBe(DataType.FLOAT16);
    expect(value && readFloatValues(value)).toEqual(Float32Array.from([0]));
  });

  it('gives a model that runs in FP16 and matches FP32 (the ops ORT has FP16 kernels for)', async () => {
    const model = dtypeModel(false);
    const { model: half, report } = convertToFloat16(model);
    expect(report.dtypeFixes.map((f) => f.opType).sort()).toEqual(['ConstantOfShape', 'EyeLike']);
    const data = seededValues(6, 3);
    const reference = (await runModel(model, { x: { type: 'float32', dims: [2, 3], data } })).y!.data;
    const out = (await runModel(half, { x: { type: 'float16', dims: [2, 3], data } })).y!;
    expect(out.type).toBe('float16');
    expect(relativeL2(out.data, reference)).toBeLessThan(2e-3);
  });
});

describe('BAD CALL - precision passes on models they do not apply to', () => {
  function integerModel() {
    const g = new GraphSketch('/int');
    const x = g.input('x', DataType.INT64, [3]);
    g.graph.node.push(makeNode({ opType: 'Neg', name: '/int/Neg', inputs: [x], outputs: ['y'] }));
    g.output('y', DataType.INT64, [3]);
    return g.model();
  }

  it('fp16 refuses a model without float tensors', () => {
    expect(() => convertToFloat16(integerModel())).toThrow(expect.objectContaining({ code: 'FP16_NOT_FLOAT' }));
  });

  it('emulate-fp16 refuses a model without FLOAT tensors (an FP16 conversion included)', () => {
    expect(() => emulateFloat16(integerModel())).toThrow(expect.objectContaining({ code: 'EMULATE_NOT_FP32' }));
    const { model: half } = convertToFloat16(dtypeModel(false));
    expect(() => emulateFloat16(half)).toThrow(expect.objectContaining({ code: 'EMULATE_NOT_FP32' }));
  });
});
