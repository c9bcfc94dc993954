/**
 * Tests that need ONNX Runtime's CUDA provider on a GPU: they run where the ort-cuda stack is available (the GPU
 * machine once `bench cuda install` has put the provider there) and skip with a printed reason elsewhere.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZoo, encodeModel, fuseForOrt, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Availability,
  checkCudaProvider,
  createRunner,
  generateFeeds,
  PROVIDER_LIBRARIES,
  resolveInputShapes,
  runBench,
  runPipeline,
  STACKS,
  SyntheticVideo,
} from '../src/index.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import type { TrackResult } from '../src/tracker/tracker.js';

let cuda: Availability;
let dir: string;

beforeAll(async () => {
  cuda = await STACKS['ort-cuda'].probe();
  dir = await mkdtemp(join(tmpdir(), 'tamkit-cuda-gpu-'));
  if (cuda.available) await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function requireCuda(ctx: { skip: () => void }): void {
  if (!cuda.available) {
    console.warn(`skipped: ort-cuda is unavailable here (${cuda.reason})`);
    ctx.skip();
  }
}

/** Worst relative L2 between two sets of outputs. */
function worstRelativeL2(a: Record<string, ArrayLike<number>>, b: Record<string, ArrayLike<number>>): number {
  let worst = 0;
  for (const [name, ref] of Object.entries(b)) {
    const got = a[name]!;
    let num = 0;
    let den = 0;
    for (let i = 0; i < ref.length; i++) {
      num += (Number(got[i]) - Number(ref[i])) ** 2;
      den += Number(ref[i]) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num / Math.max(den, 1e-30)));
  }
  return worst;
}

let written = 0;

/** Float outputs of one run of a model file (or bytes) on a stack, on bench's seeded inputs. */
async function runOn(stack: 'ort-cpu' | 'ort-cuda', model: Uint8Array | string, seed = 1) {
  const path = typeof model === 'string' ? model : join(dir, `model-${++written}.onnx`);
  if (typeof model !== 'string') await writeFile(path, model);
  const runner = createRunner(stack);
  await runner.activate(path);
  try {
    const feeds = await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), seed);
    const out = await runner.toHost(await runner.infer(feeds));
    return Object.fromEntries(
      Object.entries(out)
        .filter(([, t]) => t.type === 'float32')
        .map(([k, t]) => [k, t.data as Float32Array]),
    );
  } finally {
    await runner.deactivate();
  }
}

describe('ort-cuda on a GPU', () => {
  it('bench cuda check: driver, provider version, CUDA and cuDNN loaded, self-test within tolerance', async (ctx) => {
    requireCuda(ctx);
    const check = await checkCudaProvider();
    expect(check.driver.present).toBe(true);
    const installed = check.installs.find((i) => i.present.includes(PROVIDER_LIBRARIES.cuda));
    expect(installed?.providerOrtVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(check.selfTests.length).toBeGreaterThan(0);
    for (const t of check.selfTests) {
      expect(t.passed, t.error).toBe(true);
      expect(t.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['libcudart', 'libcublas', 'libcudnn']));
    }
  });

  it('FP32 zoo modules on CUDA agree with ort-cpu (TF32 on by default: within 1e-2 relative L2)', async (ctx) => {
    requireCuda(ctx);
    for (const name of ['image_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention']) {
      const file = join(dir, 'zoo', `${name}.onnx`);
      const error = worstRelativeL2(await runOn('ort-cuda', file), await runOn('ort-cpu', file));
      expect(error, name).toBeLessThan(1e-2);
    }
  });

  it('fused graphs (Gelu, BiasGelu, LayerNormalization, SkipLayerNormalization) run on CUDA and agree with CPU', async (ctx) => {
    requireCuda(ctx);
    const { modules } = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 5 });
    for (const name of ['mask_decoder', 'memory_encoder'] as const) {
      const fused = encodeModel(fuseForOrt(modules[name]!).model);
      const error = worstRelativeL2(
        await runOn('ort-cuda', fused),
        await runOn('ort-cpu', encodeModel(modules[name]!)),
      );
      expect(error, name).toBeLessThan(1e-2);
    }
  });

  it('a report after an ort-cuda run names the provider version, the GPU libraries loaded and any skew', async (ctx) => {
    requireCuda(ctx);
    const report = await runBench({
      stacks: ['ort-cuda'],
      models: join(dir, 'zoo', 'memory_encoder.onnx'),
      budget: { warmupIterations: 1, iterations: 3 },
    });
    const env = report.environment;
    expect(env.ortProviders?.onnxruntime).toMatch(/^1\.\d+\.\d+$/);
    expect(env.gpuLibraries?.map((l) => l.name)).toEqual(
      expect.arrayContaining(['libcudart', 'libonnxruntime_providers_cuda']),
    );
    if (env.ortProviders?.onnxruntime !== env.onnxruntime)
      expect(env.warnings?.join(' ')).toMatch(/provider library is ONNX Runtime/);
    expect(report.modules[0]!.placement!.computeOpsElsewhere).toEqual([]);
  });

  it('profile: memory attention leaves shape arithmetic on the CPU provider, and says so by op type', async (ctx) => {
    requireCuda(ctx);
    const runner = createRunner('ort-cuda');
    await runner.activate(join(dir, 'zoo', 'memory_attention.onnx'));
    try {
      const feeds = await generateFeeds(runner.inputs, resolveInputShapes(runner.inputs), 1);
      const k = await runner.profileKernels(feeds, 6, { skipRuns: 2 });
      expect(k.requested).toBe('CUDAExecutionProvider');
      expect(k.providers[0]!.provider).toBe('CUDAExecutionProvider');
      expect(k.nodesPerRun).toBeGreaterThan(10);
      // The export's index arithmetic (Shape itself is folded or untimed by ORT's profiler: seen on the H200).
      expect(k.elsewhere.map((o) => o.opType)).toEqual(expect.arrayContaining(['Gather', 'Unsqueeze']));
    } finally {
      await runner.deactivate();
    }
  });

  it('ort-trt with the TensorRT provider present but no libnvinfer fails clearly, naming it', async (ctx) => {
    requireCuda(ctx);
    const trt = await STACKS['ort-trt'].probe();
    if (trt.available) {
      console.warn('skipped: TensorRT is installed here, so the provider starts');
      ctx.skip();
    }
    if (!trt.available) {
      if (/is not installed$/.test(trt.reason)) {
        console.warn(`skipped: the TensorRT provider library is not installed (${trt.reason})`);
        ctx.skip();
      }
      expect(trt.reason).toMatch(/libnvinfer\.so\.\d+/);
      expect(trt.remedy).toMatch(/TensorRT is not installed here/);
    }
  });

  it('encoder ahead on ort-cuda: image_encoder in a worker thread on its own session, masks as the loop in turn', async (ctx) => {
    requireCuda(ctx);
    const options = {
      models: join(dir, 'zoo'),
      stacks: parseStackSpec('ort-cuda'),
      frames: 6,
      warmupFrames: 10,
      video: new SyntheticVideo({ width: 320, height: 240, seed: 3 }),
    };
    const masks = (into: Uint8Array[]) => (r: TrackResult) =>
      into.push(Uint8Array.from(r.maskLogits, (v) => (v > 0 ? 1 : 0)));
    const inTurn: Uint8Array[] = [];
    await runPipeline({ ...options, onFrame: masks(inTurn) });
    // The encoder ahead, then with the memory encoder in its own worker thread too, then also with memory attention
    // and the mask decoder merged into one session (the fastest loop measured).
    for (const [memoryEarly, mergeDecoder] of [
      [false, false],
      [true, false],
      [true, true],
    ] as const) {
      const ahead: Uint8Array[] = [];
      const run = await runPipeline({
        ...options,
        encoderAhead: true,
        memoryEarly,
        mergeDecoder,
        onFrame: masks(ahead),
      });
      expect(run.result.encoderAhead).toBe(true);
      expect(run.result.mergedDecoder).toBe(mergeDecoder ? true : undefined);
      expect(run.result.notes.some((n) => n.includes('session in a worker thread'))).toBe(true);
      let inter = 0;
      let union = 0;
      for (const [i, m] of inTurn.entries()) {
        for (let k = 0; k < m.length; k += 1) {
          inter += m[k]! & ahead[i]![k]!;
          union += m[k]! | ahead[i]![k]!;
        }
      }
      expect(inter / Math.max(union, 1), `memoryEarly ${memoryEarly}, merged ${mergeDecoder}`).toBeGreaterThan(0.99);
    }
  }, 120_000);
});
