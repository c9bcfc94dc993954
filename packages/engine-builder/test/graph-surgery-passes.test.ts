import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataType, inferElemTypes, readModel } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEngine, describeBuild, planForPrecision, planGraphEdits, resolvePlan } from '../src/index.js';
import { TRTEXEC_DOUBLE } from './helpers/fixtures.js';
import { tempDir, writeZooModels } from './helpers/models.js';

const GPU = {
  name: 'NVIDIA H100 80GB HBM3',
  computeCapability: '9.0',
  uuid: 'GPU-11111111-2222-3333-4444-555555555555',
  driverVersion: '550.54.15',
};

describe('graph-surgery passes behind --precision mixed and TensorRT 11', () => {
  let models: Record<string, string>;
  beforeAll(async () => {
    models = await writeZooModels();
  });

  /** Builds the image encoder with `plan` on TensorRT 11 through the trtexec test double, in a fresh cache. */
  const buildOnTrt11Double = async (plan: Parameters<typeof buildEngine>[1]['plan']) =>
    buildEngine(models.image_encoder!, {
      plan,
      cacheDir: await tempDir(),
      gpu: GPU,
      trtexec: TRTEXEC_DOUBLE,
      env: { ...process.env, TRTEXEC_DOUBLE_VERSION: '11' },
    });

  it('mixed (auto) pins the attention scores and softmax of every image-encoder block', async () => {
    const d = await describeBuild(models.image_encoder!, {
      plan: planForPrecision('mixed'),
      trtVersion: 10,
      trtexec: '/nonexistent/trtexec',
    });
    for (const block of [0, 2]) {
      expect(d.fp32Nodes).toContain(`/image_encoder/trunk/blocks.${block}/attn/Softmax`);
      expect(d.fp32Nodes).toContain(`/image_encoder/trunk/blocks.${block}/attn/MatMul`);
    }
    expect(d.fp32Nodes).not.toContain('/image_encoder/trunk/patch_embed/proj/Conv');
  });

  it('a TensorRT 11 mixed build feeds trtexec a typed model kept next to the engine (trtexec test double)', async () => {
    // TEST DOUBLE: trtexec-double.mjs stands in for trtexec; only the typed ONNX it is handed is checked here.
    const r = await buildOnTrt11Double({
      schemaVersion: 1 as const,
      defaultPrecision: 'fp16' as const,
      pinFp32: { patterns: ['*/attn/Softmax'] },
    });
    const typed = join(r.entry.dir, 'model.typed.onnx');
    expect((await stat(typed)).size).toBeGreaterThan(0);
    expect(r.entry.manifest.args[0]).toBe('--onnx=model.typed.onnx');
    const model = await readModel(typed);
    const softmax = model.graph!.node.find((n) => n.name === '/image_encoder/trunk/blocks.0/attn/Softmax');
    expect(softmax).toBeDefined();
    expect(model.graph!.node.some((n) => n.opType === 'Cast')).toBe(true);
  });

  it('a TensorRT 11 BF16 build with a pinned Softmax feeds trtexec a BF16 graph with that Softmax in FP32 (trtexec test double)', async () => {
    // TEST DOUBLE: trtexec-double.mjs stands in for trtexec; only the typed ONNX it is handed is checked here.
    const softmaxName = '/image_encoder/trunk/blocks.0/attn/Softmax';
    const r = await buildOnTrt11Double({
      schemaVersion: 1 as const,
      defaultPrecision: 'bf16' as const,
      pinFp32: { nodes: [softmaxName] },
    });
    expect(r.entry.manifest.args.some((a) => /^--(bf16|fp16)/.test(a))).toBe(false);
    const model = await readModel(join(r.entry.dir, 'model.typed.onnx'));
    const graph = model.graph!;
    const types = inferElemTypes(graph);
    const floats = new Set([...types.values()].filter((t) => t === DataType.FLOAT16 || t === DataType.BFLOAT16));
    expect(floats).toEqual(new Set([DataType.BFLOAT16]));
    const softmax = graph.node.find((n) => n.name === softmaxName)!;
    expect(types.get(softmax.input[0]!)).toBe(DataType.FLOAT);
    const other = graph.node.find((n) => n.name === '/image_encoder/trunk/blocks.1/attn/Softmax')!;
    expect(types.get(other.input[0]!)).toBe(DataType.BFLOAT16);
    // keepIoTypes (the plan default): FP32 in and out.
    for (const v of [...graph.input, ...graph.output]) expect(v.type?.tensorType?.elemType).toBe(DataType.FLOAT);
  });

  it('refuses a BF16 plan on TensorRT 11 that asks for FP16 outputs of a node (a typed graph cannot say it)', () => {
    expect(() =>
      planGraphEdits(
        resolvePlan(
          { schemaVersion: 1, defaultPrecision: 'bf16', outputTypes: { '/n': ['fp16'] } },
          { nodes: [{ name: '/n', opType: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: ['x'], outputs: ['y'] },
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'TRT11_OUTPUT_TYPES', message: expect.stringContaining('fp16') }));
  });
});
