/** One plan for every stack: a precision plan applied to an ONNX file, as the ONNX Runtime stacks run it. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import {
  applyPrecisionPlan,
  DataType,
  encodeModel,
  inferElemTypes,
  type PrecisionPlan,
  readModel,
  serializePlan,
  writeModel,
} from '../src/index.js';
import { graphOf, relativeL2, runModel, seededValues } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

const encoder = zooModule('tiny', 'image_encoder');
const tempDir = () => mkdtemp(join(tmpdir(), 'tamkit-apply-plan-'));
function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
const image = { type: 'float32' as const, dims: [1, 3, 512, 512], data: seededValues(3 * 512 * 512, 7, -2, 2) };

describe('applyPrecisionPlan', () => {
  const plan: PrecisionPlan = {
    schemaVersion: 1,
    defaultPrecision: 'fp16',
    pinFp32: { auto: ['attention'], patterns: ['*/LayerNormalization'] },
    blockOps: ['Resize'],
  };

  it('makes an FP16 graph with the pinned nodes and the blocked op types in FP32, FP32 I/O, close to FP32', async () => {
    const { model, report } = applyPrecisionPlan(encoder, plan);
    expect(report.edits.map((e) => e.pass)).toEqual(['convertToFloat16', 'insertFp32Islands']);
    const types = inferElemTypes(model.graph!);
    const nodes = graphOf(model).node;
    const typeOf = (op: string) => new Set(nodes.filter((n) => n.opType === op).map((n) => types.get(n.output[0]!)));
    for (const op of ['Softmax', 'LayerNormalization', 'Resize']) expect(typeOf(op)).toEqual(new Set([DataType.FLOAT]));
    expect(typeOf('Conv')).toEqual(new Set([DataType.FLOAT16]));
    for (const v of [...graphOf(model).input, ...graphOf(model).output])
      expect(v.type?.tensorType?.elemType).toBe(DataType.FLOAT);
    expect(report.resolved.reasons[nodes.find((n) => n.opType === 'Resize')!.name!]).toEqual(['op:Resize']);
    // Numerics against ONNX Runtime on the FP32 model.
    const [got, want] = [await runModel(model, { image }), await runModel(encoder, { image })];
    for (const name of Object.keys(want)) expect(relativeL2(got[name]!.data, want[name]!.data)).toBeLessThan(1e-2);
  });

  it('leaves the model as it is for an FP32 plan, and never modifies its input', () => {
    const before = encodeModel(encoder);
    expect(applyPrecisionPlan(encoder, { schemaVersion: 1, defaultPrecision: 'fp32' }).model).toBe(encoder);
    applyPrecisionPlan(encoder, plan);
    expect(encodeModel(encoder)).toEqual(before);
  });

  it('BAD CALL - refuses a plan that names a node the model lacks, or pins nothing it asked for', () => {
    expect(() =>
      applyPrecisionPlan(encoder, { schemaVersion: 1, defaultPrecision: 'fp16', pinFp32: { nodes: ['/nope'] } }),
    ).toThrow(expect.objectContaining({ code: 'PLAN_UNRESOLVED', message: expect.stringContaining('/nope') }));
    // Blocked op types do not count as the pins a pattern asked for.
    expect(() =>
      applyPrecisionPlan(encoder, {
        schemaVersion: 1,
        defaultPrecision: 'fp16',
        pinFp32: { patterns: ['*/NoSuchNode'] },
        blockOps: ['Resize'],
      }),
    ).toThrow(expect.objectContaining({ code: 'PLAN_UNRESOLVED' }));
  });
});

describe('graph-surgery apply-plan', () => {
  it('writes the typed model and prints the report as JSON', async () => {
    const dir = await tempDir();
    const [input, planFile, output] = ['in.onnx', 'plan.json', 'out.onnx'].map((f) => join(dir, f));
    await writeModel(encoder, input!);
    await writeFile(planFile!, serializePlan({ schemaVersion: 1, defaultPrecision: 'fp16', blockOps: ['Resize'] }));
    const { io, out } = captureIo();
    expect(await main(['apply-plan', input!, '--plan', planFile!, '-o', output!, '--json'], io)).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.resolved.blockOps).toEqual(['Resize']);
    const written = await readModel(output!);
    expect(encodeModel(written)).toEqual(
      encodeModel(applyPrecisionPlan(encoder, JSON.parse(await readFile(planFile!, 'utf8'))).model),
    );
  });

  it('BAD INPUT - an invalid plan fails with exit 1 naming the file, and writes nothing', async () => {
    const dir = await tempDir();
    const [input, planFile, output] = ['in.onnx', 'plan.json', 'out.onnx'].map((f) => join(dir, f));
    await writeModel(encoder, input!);
    await writeFile(planFile!, JSON.stringify({ schemaVersion: 1, defaultPrecision: 'fp8' }));
    const { io, err } = captureIo();
    expect(await main(['apply-plan', input!, '--plan', planFile!, '-o', output!], io)).toBe(1);
    expect(err.join('\n')).toMatch(/PLAN_INVALID.*plan\.json/);
    await expect(stat(output!)).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });
});
