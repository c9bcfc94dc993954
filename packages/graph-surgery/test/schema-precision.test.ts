/**
 * fp16/bf16 decide per node from the ONNX operator schemas at the model's opset, and keep the ops a stack is known
 * to fail on in FP32 unless told to convert them. Each case is checked in ONNX Runtime (CPU) against the FP32 model.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  convertToBfloat16,
  convertToFloat16,
  DataType,
  inferElemTypes,
  KNOWN_STACK_FAILURES,
  makeModel,
  writeModel,
} from '../src/index.js';
import { GraphSketch } from './helpers/graphs.js';
import { graphOf, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';
import { ortVerdict } from './helpers/type-checks.js';
import { zooModule } from './helpers/zoo.js';

const x = { type: 'float32' as const, dims: [2, 8], data: seededValues(16, 7) };

describe('decisions from the ONNX schemas', () => {
  it('keeps an op whose schema has no FLOAT16 at the opset (Celu-12) FP32 behind Casts, and says why', async () => {
    const g = new GraphSketch('/s');
    g.input('x', DataType.FLOAT, [2, 8]);
    const y = g.op('Celu', [g.op('Mul', [g.op('Abs', ['x']), 'x'])], { alpha: 1.5 });
    g.output(y, DataType.FLOAT, [2, 8]);
    const model = g.model(12);
    const { model: half, report } = convertToFloat16(model);
    const celu = graphOf(half).node.find((n) => n.opType === 'Celu')!;
    expect(report.floatOnlyReasons[celu.name!]).toBe('Celu-12 allows no float16 for T');
    expect(inferElemTypes(graphOf(half), undefined, undefined, 12).get(celu.input[0]!)).toBe(DataType.FLOAT);
    const want = (await runModel(model, { x }))[y]!.data;
    const got = (await runModel(half, { x: { ...x, type: 'float16' } }))[y]!.data;
    expect(relativeL2(got, want)).toBeLessThan(5e-3);
  });

  it('gives IR<4 graph inputs that name initializers the initializers\u2019 new type (PyTorch 0.x exports)', async () => {
    const g = new GraphSketch('/ir3');
    g.input('x', DataType.FLOAT, [2, 8]);
    g.weight('w', [8, 8], 3);
    g.input('w', DataType.FLOAT, [8, 8]); // IR 3: every initializer is also a graph input
    const y = g.op('MatMul', ['x', 'w']);
    g.output(y, DataType.FLOAT, [2, 8]);
    const model = { ...makeModel({ graph: g.graph, opset: 6 }), irVersion: 3 };
    const { model: half } = convertToFloat16(model);
    const w = graphOf(half).input.find((v) => v.name === 'w')!;
    expect(w.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
    expect(graphOf(half).initializer.find((t) => t.name === 'w')?.dataType).toBe(DataType.FLOAT16);
    expect(await ortVerdict(half)).toBe('ok');
    const got = (await runModel(half, { x: { ...x, type: 'float16' } }))[y]!.data;
    expect(relativeL2(got, (await runModel(model, { x }))[y]!.data)).toBeLessThan(5e-3);
  });

  it('BAD CALL - refuses an opset whose Cast cannot convert: FP16 below 6, BF16 below 13', () => {
    const model = (opset: number) => {
      const g = new GraphSketch('/old');
      g.input('x', DataType.FLOAT, [2, 8]);
      g.output(g.op('Relu', ['x']), DataType.FLOAT, [2, 8]);
      return g.model(opset);
    };
    expect(() => convertToFloat16(model(5))).toThrow(expect.objectContaining({ code: 'FP16_OPSET' }));
    expect(() => convertToBfloat16(model(12))).toThrow(expect.objectContaining({ code: 'BF16_OPSET' }));
    expect(() => convertToBfloat16(model(13))).not.toThrow();
  });
});

describe('ops a stack is known to fail on', () => {
  it('lists the WebGPU FP16 cubic Resize among the known failures', () => {
    expect(KNOWN_STACK_FAILURES.find((f) => f.op === 'Resize')).toMatchObject({
      stack: 'ort-webgpu',
      condition: 'mode=cubic',
    });
  });

  it("keep the image encoder's cubic Resize FP32 by default, name it in the report, and convert it when asked", async () => {
    const encoder = zooModule('tiny', 'image_encoder');
    const cubic = graphOf(encoder).node.find((n) => n.opType === 'Resize')!;
    const { model: kept, report } = convertToFloat16(encoder);
    expect(report.keptForStacks).toEqual([
      { node: cubic.name, op: 'Resize', failures: [expect.stringMatching(/^ort-webgpu \(mode=cubic\): /)] },
    ]);
    const typesKept = inferElemTypes(graphOf(kept));
    expect(typesKept.get(graphOf(kept).node.find((n) => n.name === cubic.name)!.input[0]!)).toBe(DataType.FLOAT);
    const { model: all, report: allReport } = convertToFloat16(encoder, { convertAll: true });
    expect(allReport.keptForStacks).toEqual([]);
    const typesAll = inferElemTypes(graphOf(all));
    expect(typesAll.get(graphOf(all).node.find((n) => n.name === cubic.name)!.input[0]!)).toBe(DataType.FLOAT16);
    expect(await ortVerdict(kept)).toBe('ok');

    const dir = await mkdtemp(join(tmpdir(), 'tamkit-stack-'));
    await writeModel(encoder, join(dir, 'enc.onnx'));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    expect(await main(['fp16', join(dir, 'enc.onnx'), '-o', join(dir, 'a.onnx')], io)).toBe(0);
    expect(out.join('\n')).toMatch(/kept FP32 for a stack \(--convert-all converts it\): .*Resize.*ort-webgpu/);
    out.length = 0;
    expect(await main(['fp16', join(dir, 'enc.onnx'), '-o', join(dir, 'b.onnx'), '--convert-all'], io)).toBe(0);
    expect(out.join('\n')).not.toMatch(/kept FP32 for a stack/);
  });
});
