/**
 * FP16 and BF16 conversion of a model with an If and a Loop: branches and the loop body are converted with the
 * main graph, what they read from outside and what they carry keep consistent types, and the FP16 model runs in
 * ONNX Runtime (CPU) close to FP32.
 */
import { describe, expect, it } from 'vitest';
import {
  convertToBfloat16,
  convertToFloat16,
  DataType,
  type GraphProto,
  getAttribute,
  getInt,
  inferElemTypes,
  type ModelProto,
  makeValueInfo,
} from '../src/index.js';
import { CONTROL_FLOW, controlFlowFeeds, controlFlowModel, scanModel } from './helpers/control-flow.js';
import { graphOf, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';
import { bf16Violations, floatTypesIn, ortVerdict, typeMismatches } from './helpers/type-checks.js';

const nodeNamed = (graph: GraphProto, name: string) => graph.node.find((n) => n.name === name)!;
const bodyOf = (model: ModelProto) => getAttribute(nodeNamed(graphOf(model), CONTROL_FLOW.loopNode), 'body')!.g!;

async function fp16Errors(half: ModelProto, reference: ModelProto, halfIo = true) {
  const errors: number[] = [];
  for (const flag of [true, false]) {
    const expected = await runModel(reference, controlFlowFeeds(flag));
    const out = await runModel(half, controlFlowFeeds(flag, halfIo ? 'float16' : 'float32'));
    for (const k of Object.keys(expected)) errors.push(relativeL2(out[k]?.data ?? [], expected[k]?.data ?? []));
  }
  return errors;
}

describe('FP16 conversion of If and Loop bodies', () => {
  it('converts both branches and the loop body, and the model runs within 1e-2 of FP32 for either branch', async () => {
    const model = controlFlowModel();
    const { model: half, report } = convertToFloat16(model);
    expect(report.subgraphsConverted).toBe(3);
    expect(floatTypesIn(half)).toEqual(new Set([DataType.FLOAT16]));
    const body = bodyOf(half);
    expect(body.input.map((v) => v.type?.tensorType?.elemType)).toEqual([
      DataType.INT64,
      DataType.BOOL,
      DataType.FLOAT16,
    ]);
    expect(body.initializer.find((t) => t.name === 'decay')?.dataType).toBe(DataType.FLOAT16);
    expect(getInt(nodeNamed(body, CONTROL_FLOW.bodyCast), 'to', 0)).toBe(DataType.FLOAT16);
    expect(typeMismatches(half)).toEqual([]);
    expect(await ortVerdict(half)).toBe('ok');
    for (const e of await fp16Errors(half, model)) expect(e).toBeLessThan(1e-2);
  });

  it('keeps a blocked body node in FP32 with Casts inside the body', async () => {
    const model = controlFlowModel();
    const { model: half } = convertToFloat16(model, { blockNodes: [CONTROL_FLOW.bodyTanh] });
    const body = bodyOf(half);
    const outer = inferElemTypes(graphOf(half));
    const types = inferElemTypes(body, body.node, outer);
    const tanh = nodeNamed(body, CONTROL_FLOW.bodyTanh);
    expect(types.get(tanh.input[0]!)).toBe(DataType.FLOAT);
    expect(types.get(tanh.output[0]!)).toBe(DataType.FLOAT);
    expect(types.get('v_next')).toBe(DataType.FLOAT16);
    expect(typeMismatches(half)).toEqual([]);
    for (const e of await fp16Errors(half, model)) expect(e).toBeLessThan(1e-2);
  });

  it('leaves a blocked Loop and its body in FP32, casting what it reads from the FP16 graph', async () => {
    const model = controlFlowModel();
    const { model: half, report } = convertToFloat16(model, { blockNodes: [CONTROL_FLOW.loopNode] });
    expect(report.subgraphsConverted).toBe(2);
    const body = bodyOf(half);
    expect(body.input[2]?.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    // The body reads x and w2 from outside: x is FLOAT16 now, so it reads a FLOAT copy.
    const matmul = nodeNamed(body, '/cf/body/MatMul');
    const outer = inferElemTypes(graphOf(half));
    expect(outer.get(matmul.input[0]!)).toBe(DataType.FLOAT);
    expect(matmul.input[1]).toBe('w2');
    expect(typeMismatches(half)).toEqual([]);
    for (const e of await fp16Errors(half, model)) expect(e).toBeLessThan(1e-2);
  });

  it('keeps FP32 graph I/O with keepIoTypes while the bodies run in FP16', async () => {
    const model = controlFlowModel();
    const { model: half } = convertToFloat16(model, { keepIoTypes: true });
    expect(bodyOf(half).input[2]?.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
    for (const e of await fp16Errors(half, model, false)) expect(e).toBeLessThan(1e-2);
  });
});

describe('FP16 and BF16 conversion of a Scan body', () => {
  it('types the state and scan slices as the outer graph now gives them; FP16 runs within 1e-2 of FP32', async () => {
    const model = scanModel();
    const { model: half, report } = convertToFloat16(model);
    expect(report.subgraphsConverted).toBe(1);
    const body = getAttribute(graphOf(half).node.find((n) => n.opType === 'Scan')!, 'body')!.g!;
    expect(body.input.map((v) => v.type?.tensorType?.elemType)).toEqual([DataType.FLOAT16, DataType.FLOAT16]);
    expect(typeMismatches(half)).toEqual([]);
    const data = seededValues(12, 5, -2, 2);
    const expected = await runModel(model, { rows: { type: 'float32', dims: [4, 3], data } });
    const out = await runModel(half, { rows: { type: 'float16', dims: [4, 3], data } });
    for (const k of ['final', 'per_row']) {
      expect(relativeL2(out[k]!.data, expected[k]!.data), k).toBeLessThan(1e-2);
    }
    const { model: bf16 } = convertToBfloat16(model);
    expect(floatTypesIn(bf16)).toEqual(new Set([DataType.BFLOAT16]));
    expect(typeMismatches(bf16)).toEqual([]);
    expect(await ortVerdict(bf16)).toBe('no-kernel');
  });
});

describe('BF16 conversion of If and Loop bodies', () => {
  it('gives a BF16 model that ONNX Runtime type-checks (its CPU provider has no BF16 kernels to run it)', async () => {
    const { model: bf16, report } = convertToBfloat16(controlFlowModel());
    expect(report.subgraphsConverted).toBe(3);
    expect(report.floatOnlyNodes).toEqual([]);
    expect(floatTypesIn(bf16)).toEqual(new Set([DataType.BFLOAT16]));
    expect(typeMismatches(bf16)).toEqual([]);
    expect(bf16Violations(bf16, 17)).toEqual([]);
    expect(await ortVerdict(bf16)).toBe('no-kernel');
  });

  it('keeps If and Loop in FP32 at opsets before 16, where they had no BF16 form', async () => {
    const model = controlFlowModel();
    model.opsetImport = [{ domain: '', version: 15 }];
    const { model: bf16, report } = convertToBfloat16(model);
    expect(report.floatOnlyNodes.sort()).toEqual([CONTROL_FLOW.ifNode, CONTROL_FLOW.loopNode].sort());
    expect(report.subgraphsConverted).toBe(0);
    expect(bf16Violations(bf16, 15)).toEqual([]);
    expect(typeMismatches(bf16)).toEqual([]);
    expect(await ortVerdict(bf16)).toBe('no-kernel');
  });
});

describe('BAD CALL - subgraphs whose types cannot follow the conversion', () => {
  it('refuses, naming the Loop, when the body declares a carried value of another type than flows in', () => {
    const model = controlFlowModel();
    const body = bodyOf(model);
    body.input[2] = makeValueInfo('v', DataType.DOUBLE, [2, 3]);
    expect(() => convertToFloat16(model)).toThrow(
      expect.objectContaining({ code: 'SUBGRAPH_TYPES', message: expect.stringContaining(CONTROL_FLOW.loopNode) }),
    );
  });
});
