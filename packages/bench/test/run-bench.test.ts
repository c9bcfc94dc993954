import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_REPORT_KIND, BENCH_SCHEMA_VERSION, findModels, parseNvidiaSmiGpus, runBench } from '../src/index.js';
import { ATTENTION_SCORES_MODEL, writeTinyModels } from './helpers/tiny-models.js';

let models: Awaited<ReturnType<typeof writeTinyModels>>;
beforeAll(async () => {
  models = await writeTinyModels({
    scores: ATTENTION_SCORES_MODEL,
    relu: {
      ...ATTENTION_SCORES_MODEL,
      nodes: [{ opType: 'Relu', inputs: ['a'], outputs: ['scores'] }],
      inputs: [{ name: 'a', elemType: 1, dims: [2, 4] }],
      outputs: [{ name: 'scores', elemType: 1, dims: [2, 4] }],
    },
  });
});
afterAll(() => models.dispose());

describe('runBench', () => {
  it('measures every module on ort-cpu and lists stacks that cannot run here instead of measuring them', async () => {
    const report = await runBench({
      stacks: ['ort-cpu', 'ort-cuda', 'trt-fp16'],
      models: models.dir,
      budget: { warmupIterations: 2, iterations: 12 },
      threads: 1,
      shapes: { a: [3, 8] },
    });
    expect(report.kind).toBe(BENCH_REPORT_KIND);
    expect(report.schemaVersion).toBe(BENCH_SCHEMA_VERSION);
    expect(report.modules.map((m) => [m.stack, m.module])).toEqual([
      ['ort-cpu', 'relu'],
      ['ort-cpu', 'scores'],
    ]);
    const unavailable = report.unavailable.map((u) => u.stack);
    expect(unavailable).toContain('ort-cuda');
    for (const u of report.unavailable) expect(u.remedy.length).toBeGreaterThan(10);
    // No trtexec exists here: trt-fp16 must be listed as unavailable, not measured.
    expect(unavailable).toContain('trt-fp16');
    expect(report.modules[1]!.options.inputShapes).toEqual({ a: [3, 8], b: [8, 4] });
    expect(report.modules[0]!.options.inputShapes).toEqual({ a: [2, 4] });
    expect(report.environment.threads).toBe(1);
    expect(report.environment.cpu.cores).toBeGreaterThan(0);
  });

  it('records samples, stats, the model hash, placement and the stack options of each result', async () => {
    const report = await runBench({
      stacks: ['ort-cpu'],
      models: join(models.dir, 'scores.onnx'),
      budget: { warmupIterations: 1, iterations: 20 },
      seed: 4,
    });
    const [result] = report.modules;
    expect(result!.latency.samples).toBe(20);
    expect(result!.latency.minMs).toBeLessThanOrEqual(result!.latency.p50Ms);
    expect(result!.latency.p50Ms).toBeLessThanOrEqual(result!.latency.maxMs);
    const sha = createHash('sha256')
      .update(readFileSync(join(models.dir, 'scores.onnx')))
      .digest('hex');
    expect(result!.modelSha256).toBe(sha);
    expect(result!.placement?.requested).toBe('CPUExecutionProvider');
    expect(result!.placement?.computeOpsElsewhere).toEqual([]);
    expect(result!.options).toMatchObject({ executionProvider: 'cpu', seed: 4, inputShapes: { a: [1, 8], b: [8, 4] } });
    expect(result!.notes.join('\n')).toContain('input a[0] (rows) = 1');
  });

  it('asks only stacks that can keep outputs on the device to do so', async () => {
    const report = await runBench({
      stacks: ['ort-cpu'],
      models: join(models.dir, 'relu.onnx'),
      budget: { warmupIterations: 0, iterations: 3 },
      deviceOutputs: true,
      profileRuns: 0,
    });
    expect(report.modules[0]!.options.outputLocation).toBe('cpu');
    expect(report.modules[0]!.copies).toBeUndefined();
  });

  it('honours a time budget instead of an iteration count', async () => {
    const report = await runBench({
      stacks: ['ort-cpu'],
      models: join(models.dir, 'relu.onnx'),
      budget: { warmupIterations: 0, timeMs: 150 },
      profileRuns: 0,
    });
    expect(report.modules[0]!.latency.samples).toBeGreaterThan(5);
    expect(report.modules[0]!.placement).toBeUndefined();
  });

  it('BAD CALL - a --shape that names no dynamic input of any model fails before timing anything', async () => {
    await expect(
      runBench({ stacks: ['ort-cpu'], models: models.dir, shapes: { b: [8, 4], typo: [1] } }),
    ).rejects.toThrow(/--shape names "b", "typo", which is no dynamic input/);
  });

  it('BAD CALL - a corrupt .onnx fails with a typed error naming the stack and the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-corrupt-'));
    try {
      await writeFile(join(dir, 'broken.onnx'), 'not a protobuf');
      const error = await runBench({ stacks: ['ort-cpu'], models: dir }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RUNNER_RUN_FAILED' });
      expect(String((error as Error).message)).toMatch(/^ort-cpu: could not load .*broken\.onnx/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('BAD CALL - a models path without .onnx files fails with a remedy', async () => {
    await expect(findModels('/nonexistent/zoo')).rejects.toMatchObject({ code: 'BENCH_MODELS_NOT_FOUND' });
    const empty = await mkdtemp(join(tmpdir(), 'tamkit-empty-'));
    try {
      await expect(findModels(empty)).rejects.toThrow(/holds no \.onnx file/);
    } finally {
      await rm(empty, { recursive: true });
    }
  });
});

describe('parseNvidiaSmiGpus', () => {
  it('reads name, driver, uuid and compute capability per GPU line and drops [N/A] fields', () => {
    const text =
      'NVIDIA H200, 570.124.06, GPU-1b2c3d4e-0000-1111-2222-333344445555, 9.0\nNVIDIA H100 80GB HBM3, 570.124.06, [N/A], 9.0\n';
    expect(parseNvidiaSmiGpus(text)).toEqual([
      {
        name: 'NVIDIA H200',
        driver: '570.124.06',
        uuid: 'GPU-1b2c3d4e-0000-1111-2222-333344445555',
        computeCapability: '9.0',
      },
      { name: 'NVIDIA H100 80GB HBM3', driver: '570.124.06', computeCapability: '9.0' },
    ]);
  });
});

// graph-surgery's seeded EfficientTAM-Ti replica at its tiny size: real topology and spatial sizes (512 px,
// 32x32 features, dynamic memory), narrow widths, so the four real modules run here in well under a second each.
describe('runBench on the tiny EfficientTAM-Ti zoo', () => {
  it('recognises the four modules, fills a full memory bank and runs them all on ort-cpu', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-zoo-'));
    try {
      await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 0 });
      const report = await runBench({
        stacks: ['ort-cpu'],
        models: dir,
        budget: { warmupIterations: 1, iterations: 3 },
        profileRuns: 1,
      });
      const byModule = Object.fromEntries(report.modules.map((m) => [m.module, m]));
      expect(Object.keys(byModule).sort()).toEqual([
        'image_encoder',
        'mask_decoder',
        'memory_attention',
        'memory_encoder',
      ]);
      for (const [module, result] of Object.entries(byModule)) {
        expect(result.options.recognisedAs).toBe(module);
        expect(result.placement?.computeOpsElsewhere).toEqual([]);
      }
      const memoryShapes = Object.values(byModule.memory_attention!.options.inputShapes as Record<string, number[]>);
      expect(memoryShapes.some((shape) => shape[0] === 7 * 1024 + 16 * 4)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
