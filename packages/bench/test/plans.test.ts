/** `--plan`: one precision plan for every stack; ort-* run it applied to the model, trt-* build from it. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import {
  applyPrecisionPlan,
  buildZoo,
  encodeModel,
  type PrecisionPlan,
  serializePlan,
  writeModel,
} from '@tamkit/graph-surgery';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunnerWith, generateFeeds, loadModulePlans, resolveInputShapes } from '../src/index.js';
import { bench } from './helpers/cli.js';

const { image_encoder: encoder, memory_encoder: memoryEncoder } = buildZoo({
  model: 'efficienttam-ti',
  size: 'tiny',
  seed: 0,
  modules: ['image_encoder', 'memory_encoder'],
}).modules;
const plan: PrecisionPlan = {
  schemaVersion: 1,
  defaultPrecision: 'fp16',
  pinFp32: { nodes: ['/image_encoder/trunk/blocks.0/attn/Softmax'] },
  blockOps: ['Resize'],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-bench-plans-'));
  await mkdir(join(dir, 'zoo'));
  await mkdir(join(dir, 'plans'));
  await writeModel(encoder!, join(dir, 'zoo', 'image_encoder.onnx'));
  await writeModel(memoryEncoder!, join(dir, 'zoo', 'memory_encoder.onnx'));
  await writeFile(join(dir, 'plans', 'image_encoder.plan.json'), serializePlan(plan));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a precision plan on an ONNX Runtime stack', () => {
  it("runs the plan's typed graph: outputs bit-identical to a session on applyPrecisionPlan(model)", async () => {
    const runner = createRunnerWith('ort-cpu', { threads: 1, plan });
    await runner.activate(join(dir, 'zoo', 'image_encoder.onnx'));
    try {
      const feeds = await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 3);
      const got = await runner.toHost(await runner.infer(feeds));
      const session = await ort.InferenceSession.create(encodeModel(applyPrecisionPlan(encoder!, plan).model), {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      const want = await session.run(feeds);
      await session.release();
      for (const name of Object.keys(want))
        expect(
          Buffer.from((got[name]!.data as Float32Array).buffer).equals(
            Buffer.from((want[name]!.data as Float32Array).buffer),
          ),
        ).toBe(true);
      expect(runner.describeOptions().precisionPlan).toEqual(plan);
    } finally {
      await runner.deactivate();
    }
  });
});

describe('loadModulePlans', () => {
  it('takes <module>.plan.json from a folder and says which modules run as they are', async () => {
    const models = [join(dir, 'zoo', 'image_encoder.onnx'), join(dir, 'zoo', 'memory_encoder.onnx')];
    const { plans, notes } = await loadModulePlans(join(dir, 'plans'), models);
    expect([...plans.keys()]).toEqual([models[0]]);
    expect(notes.join('\n')).toMatch(/no plan in .* for memory_encoder/);
    const single = await loadModulePlans(join(dir, 'plans', 'image_encoder.plan.json'), models);
    expect([...single.plans.keys()]).toEqual(models);
  });

  it('BAD INPUT - a folder with no plan for these models, or a plan that is no plan, fails naming it', async () => {
    await expect(loadModulePlans(join(dir, 'zoo'), [join(dir, 'zoo', 'image_encoder.onnx')])).rejects.toMatchObject({
      code: 'PLAN_NONE_FOR_MODELS',
    });
    await expect(
      loadModulePlans(join(dir, 'zoo', 'image_encoder.onnx'), [join(dir, 'zoo', 'image_encoder.onnx')]),
    ).rejects.toMatchObject({ code: 'PLAN_INVALID' });
  });
});

describe('bench --plan', () => {
  it('records the plan in the result of each planned module', async () => {
    const json = join(dir, 'report.json');
    const args = ['--iterations', '2', '--warmup', '1', '--profile-runs', '0', '--threads', '1'];
    const { code } = await bench(
      '--stack',
      'ort-cpu',
      '--models',
      join(dir, 'zoo'),
      '--plan',
      join(dir, 'plans'),
      ...args,
      '--json',
      json,
    );
    expect(code).toBe(ExitCode.Ok);
    const report = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(json, 'utf8')));
    const byModule = Object.fromEntries(report.modules.map((m: { module: string }) => [m.module, m]));
    expect(byModule.image_encoder.options.precisionPlan).toEqual(plan);
    expect(byModule.memory_encoder.options.precisionPlan).toBeUndefined();
  });

  it('hands the plan to the trt-* stacks: the TensorRT 10 build command pins its node and the blocked Resize', async () => {
    const { code, out } = await bench(
      '--stack',
      'trt-fp16',
      '--models',
      join(dir, 'zoo', 'image_encoder.onnx'),
      '--plan',
      join(dir, 'plans', 'image_encoder.plan.json'),
      '--print-command',
      '--trt-version',
      '10',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(out).toContain('/image_encoder/trunk/blocks.0/attn/Softmax:fp32');
    const resize = encoder!.graph!.node.find((n) => n.opType === 'Resize')!.name!;
    expect(out).toContain(`${resize}:fp32`);
  });
});
