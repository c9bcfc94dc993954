/**
 * convertToBfloat16 on the tiny zoo and on small graphs. ONNX Runtime's CPU provider has no BF16 kernels for
 * MatMul, Add and most other ops, so a native BF16 model cannot run here: its types are checked (ORT's graph
 * checker on load, declared against computed types, no BF16 tensor at an op without a BF16 form), and its
 * numerics are checked through emulation instead: an FP32 copy whose weights and activations are rounded to BF16
 * by Cast FLOAT -> BFLOAT16 -> FLOAT pairs.
 */
import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  convertToBfloat16,
  convertToFloat16,
  DataType,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  float32ToBfloat16Bits,
  inferElemTypes,
  insertFp32Islands,
  readFloatValues,
} from '../src/index.js';
import { feedsFor } from './helpers/bake-checks.js';
import { GraphSketch } from './helpers/graphs.js';
import { graphOf } from './helpers/ort-feeds.js';
import { bf16Violations, floatTypesIn, ortVerdict, typeMismatches } from './helpers/type-checks.js';
import { ZOO_DIMS, zooModule } from './helpers/zoo.js';
import { errors, ISLANDS } from './helpers/zoo-suites.js';

describe('convertToBfloat16 on the tiny zoo', () => {
  for (const module of EFFICIENTTAM_MODULES) {
    it(`${module}: a valid, type-consistent BF16 graph; only ops without a BF16 form at opset 17 stay FP32`, async () => {
      const model = zooModule('tiny', module);
      const { model: bf16, report } = convertToBfloat16(model);
      expect(report.initializersConverted).toBeGreaterThan(0);
      expect(floatTypesIn(bf16).has(DataType.FLOAT16)).toBe(false);
      expect(floatTypesIn(bf16).has(DataType.BFLOAT16)).toBe(true);
      for (const name of report.floatOnlyNodes) {
        const node = graphOf(bf16).node.find((n) => n.name === name)!;
        expect(report.floatOnlyReasons[name], `${name} (${node.opType})`).toMatch(/-\d+ allows no bfloat16 for /);
      }
      expect(typeMismatches(bf16)).toEqual([]);
      expect(bf16Violations(bf16, 17)).toEqual([]);
      // ORT type-checks the whole graph before it looks for kernels: 'no-kernel' means the types were accepted.
      expect(await ortVerdict(bf16)).toMatch(/^(ok|no-kernel)$/);
    });
  }

  it('keeps Conv in FP32 on opset 17 (BF16 Conv came with opset 22) and casts around it', () => {
    const { model: bf16, report } = convertToBfloat16(zooModule('tiny', 'memory_encoder'));
    const convs = graphOf(bf16).node.filter((n) => n.opType === 'Conv');
    expect(convs.length).toBeGreaterThan(0);
    expect(report.floatOnlyNodes).toEqual(expect.arrayContaining(convs.map((n) => n.name)));
    const types = inferElemTypes(graphOf(bf16));
    for (const c of convs) expect(types.get(c.input[0]!)).toBe(DataType.FLOAT);
  });

  it('emulated BF16 (FP32 graph, tensors rounded to BF16) stays within 2e-2 relative L2 of FP32 on every module', async () => {
    for (const module of EFFICIENTTAM_MODULES) {
      const model = zooModule('tiny', module);
      const feeds = feedsFor(model, ZOO_DIMS);
      const { model: bf16 } = emulateFloat16(model, { format: 'bf16' });
      const { model: fp16 } = emulateFloat16(model);
      const bfErrors = await errors(bf16, model, feeds);
      const fpErrors = await errors(fp16, model, feeds);
      for (const e of bfErrors) expect(e, module).toBeLessThan(2e-2);
      // The rounding is real, and coarser than FP16's (8 mantissa bits against 11).
      expect(Math.max(...bfErrors), module).toBeGreaterThan(Math.max(...fpErrors));
    }
  });

  it('insertFp32Islands puts attention and norms of a BF16 image encoder in FP32, with Casts back to BF16', async () => {
    const { model: bf16 } = convertToBfloat16(zooModule('tiny', 'image_encoder'));
    const { model: islands, report } = insertFp32Islands(bf16, { patterns: ISLANDS });
    expect(report.castsOut).toBeGreaterThan(0);
    const types = inferElemTypes(graphOf(islands));
    for (const s of graphOf(islands).node.filter((n) => n.opType === 'Softmax')) {
      expect(types.get(s.output[0]!)).toBe(DataType.FLOAT);
    }
    expect(floatTypesIn(islands).has(DataType.FLOAT16)).toBe(false);
    expect(typeMismatches(islands)).toEqual([]);
    expect(bf16Violations(islands, 17)).toEqual([]);
    expect(await ortVerdict(islands)).toMatch(/^(ok|no-kernel)$/);
  });
});

function smallModel(values: number[]) {
  const g = new GraphSketch('/small');
  const x = g.input('x', DataType.FLOAT, [values.length]);
  g.constant('w', DataType.FLOAT, [values.length], values);
  const sum = g.op('Add', [x, 'w']);
  g.graph.node.push({ ...g.graph.node.at(-1)!, name: '/small/soft', opType: 'Softmax', input: [sum], output: ['y'] });
  g.output('y', DataType.FLOAT, [values.length]);
  return g.model();
}

describe('convertToBfloat16 on small graphs', () => {
  it('rounds stored values to nearest even bfloat16, keeping huge values finite, Inf and NaN', () => {
    const values = [1.00390625, 1.01171875, -2.0078125, 3e38, -1e-40, Number.POSITIVE_INFINITY, Number.NaN, 0.1];
    const { model } = convertToBfloat16(smallModel(values));
    const w = graphOf(model).initializer.find((t) => t.name === 'w')!;
    expect(w.dataType).toBe(DataType.BFLOAT16);
    const expected = values.map((v) => bfloat16BitsToFloat32(float32ToBfloat16Bits(v)));
    expect(Array.from(readFloatValues(w))).toEqual(expected);
    // Ties go to the even mantissa: 1 + 2^-8 -> 1, 1 + 3*2^-8 -> 1 + 2^-6.
    expect(expected.slice(0, 2)).toEqual([1, 1.015625]);
    expect(Number.isFinite(expected[3])).toBe(true);
  });

  it('keeps FP32 I/O behind boundary Casts with keepIoTypes and blocked ops in FP32', () => {
    const { model, report } = convertToBfloat16(smallModel([1, 2]), { keepIoTypes: true, blockOps: ['Softmax'] });
    const g = graphOf(model);
    expect(g.input[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(g.output[0]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(report.blockedNodes).toBe(1);
    const types = inferElemTypes(g);
    const add = g.node.find((n) => n.opType === 'Add')!;
    expect(types.get(add.output[0]!)).toBe(DataType.BFLOAT16);
    // Softmax reads FP32; the up-Cast after the boundary down-Cast cancels to nothing but the rounding pair.
    expect(types.get(g.node.find((n) => n.opType === 'Softmax')!.input[0]!)).toBe(DataType.FLOAT);
    expect(typeMismatches(model)).toEqual([]);
  });
});

describe('convertToBfloat16 follows the opset of each type constraint', () => {
  function fillModel(opset: number) {
    const g = new GraphSketch('/fill');
    const x = g.input('x', DataType.FLOAT, [2, 3]);
    const shape = g.constant('shape', DataType.INT64, [2], [2n, 3n]);
    g.constant('ratio', DataType.FLOAT, [], [0.25]);
    const fill = g.op('ConstantOfShape', [shape], {});
    const kept = g.op('Dropout', [x, 'ratio']);
    g.graph.node.push({
      ...g.graph.node.at(-1)!,
      name: '/fill/out',
      opType: 'Add',
      input: [kept, fill],
      output: ['y'],
    });
    g.output('y', DataType.FLOAT, [2, 3]);
    return g.model(opset);
  }

  it('keeps ConstantOfShape FLOAT behind a Cast on opset 17 and gives it a BF16 value on opset 20', async () => {
    const old = convertToBfloat16(fillModel(17));
    expect(old.report.floatOnlyNodes).toEqual(['/fill/ConstantOfShape_0']);
    expect(old.report.dtypeFixes).toEqual([]);
    const current = convertToBfloat16(fillModel(20));
    expect(current.report.floatOnlyNodes).toEqual([]);
    expect(current.report.dtypeFixes.map((f) => f.opType)).toEqual(['ConstantOfShape']);
    for (const [model, opset] of [
      [old.model, 17],
      [current.model, 20],
    ] as const) {
      expect(typeMismatches(model)).toEqual([]);
      expect(bf16Violations(model, opset)).toEqual([]);
      expect(await ortVerdict(model)).toMatch(/^(ok|no-kernel)$/);
    }
  });

  it("keeps Dropout's ratio FLOAT (its type constraint has no bfloat16) while Dropout computes in BF16", () => {
    const { model } = convertToBfloat16(fillModel(17));
    const ratio = graphOf(model).initializer.find((t) => t.name === 'ratio');
    expect(ratio?.dataType).toBe(DataType.FLOAT);
    const types = inferElemTypes(graphOf(model));
    const dropout = graphOf(model).node.find((n) => n.opType === 'Dropout')!;
    expect(types.get(dropout.input[0]!)).toBe(DataType.BFLOAT16);
  });
});

describe('BAD CALL - convertToBfloat16 on models it does not apply to', () => {
  it('refuses a model that is already BF16, and an FP16 model, with BF16_ALREADY', () => {
    const { model: bf16 } = convertToBfloat16(smallModel([1, 2]));
    expect(() => convertToBfloat16(bf16)).toThrow(expect.objectContaining({ code: 'BF16_ALREADY' }));
    const { model: fp16 } = convertToFloat16(smallModel([1, 2]));
    expect(() => convertToBfloat16(fp16)).toThrow(expect.objectContaining({ code: 'BF16_ALREADY' }));
  });

  it('refuses unknown node names to block, leaving its input unchanged', () => {
    const model = smallModel([1, 2]);
    const before = JSON.stringify(graphOf(model).initializer.map((t) => t.dataType));
    expect(() => convertToBfloat16(model, { blockNodes: ['/nope'] })).toThrow(
      expect.objectContaining({ code: 'NODE_NOT_FOUND' }),
    );
    expect(JSON.stringify(graphOf(model).initializer.map((t) => t.dataType))).toBe(before);
  });
});
