import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { createRunner, loadOrt, type ProfileReport, parseOrtProfile, summariseKernels } from '../src/index.js';
import { ATTENTION_SCORES_MODEL, writeTinyModels } from './helpers/tiny-models.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('summariseKernels (where the time goes, from an ORT trace)', () => {
  // The hand-written WebGPU-style trace of placement.test.ts: two runs of ten nodes, shape arithmetic and one
  // MatMul on CPU, a copy back to the host.
  const profile = parseOrtProfile(fixture('ort-profile-webgpu-partial.json'));

  it('counts nodes, node time and wall time per run, and the time spent outside any node', () => {
    const k = summariseKernels(profile, 'WebGpuExecutionProvider');
    expect(k.runs).toBe(2);
    expect(k.nodesPerRun).toBe(10);
    expect(k.wallMsPerRun).toBeCloseTo(1.571, 6);
    expect(k.nodeMsPerRun).toBeCloseTo((2 + 1 + 1 + 2 + 5 + 400 + 120 + 900 + 60 + 30) / 1000, 6);
    expect(k.outsideNodesMsPerRun).toBeCloseTo(k.wallMsPerRun - k.nodeMsPerRun, 6);
    expect(k.providers[0]!.provider).toBe('WebGpuExecutionProvider');
  });

  it('lists what ran off the requested provider by op type, and the copies ORT inserted', () => {
    const k = summariseKernels(profile, 'WebGpuExecutionProvider');
    expect(k.elsewhere.map((o) => [o.opType, o.nodesPerRun])).toEqual([
      ['MatMul', 1],
      ['Shape', 1],
      ['Concat', 1],
      ['Gather', 1],
      ['Unsqueeze', 1],
    ]);
    expect(k.memcpy).toEqual({ nodesPerRun: 1, msPerRun: 0.03, nodes: ['Memcpy_token_0'] });
    expect(k.slowestNodes[0]).toEqual({
      node: '/attn/MatMul_1',
      opType: 'MatMul',
      provider: 'CPUExecutionProvider',
      msPerRun: 0.9,
    });
    expect(k.placement.computeOpsElsewhere.map((o) => o.node)).toEqual(['/attn/MatMul_1']);
    expect(k.gpuKernels).toBeUndefined();
  });

  it('leaves warm-up runs out, by the run windows', () => {
    const k = summariseKernels(profile, 'WebGpuExecutionProvider', { skipRuns: 1 });
    expect([k.runs, k.skippedRuns, k.nodesPerRun]).toEqual([1, 1, 10]);
    // Never skips the last run.
    expect(summariseKernels(profile, 'WebGpuExecutionProvider', { skipRuns: 5 }).runs).toBe(1);
  });

  it('counts GPU kernel events when a kernel tracer wrote them', () => {
    const traced = parseOrtProfile(
      JSON.stringify([
        { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
        {
          cat: 'Node',
          name: 'mm_kernel_time',
          ts: 10,
          dur: 20,
          args: { op_name: 'MatMul', provider: 'CUDAExecutionProvider' },
        },
        { cat: 'Kernel', name: 'ampere_sgemm_64x64_nn', ts: 5000, dur: 40, args: { op_name: 'mm' } },
        { cat: 'Kernel', name: 'softmax_warp_forward', ts: 5100, dur: 8, args: { op_name: 'sm' } },
      ]),
    );
    expect(summariseKernels(traced, 'CUDAExecutionProvider').gpuKernels).toEqual({ perRun: 2, msPerRun: 0.048 });
  });
});

describe('profileKernels and `bench profile` on ort-cpu (a real trace)', () => {
  let models: Awaited<ReturnType<typeof writeTinyModels>>;
  beforeAll(async () => {
    models = await writeTinyModels({ scores: ATTENTION_SCORES_MODEL });
  });
  afterAll(() => models.dispose());

  it('summarises the profiled runs after the warm-up ones: two nodes per run on the CPU provider', async () => {
    const ort = await loadOrt();
    const runner = createRunner('ort-cpu', { threads: 1 });
    await runner.activate(`${models.dir}/scores.onnx`);
    try {
      const feeds = {
        a: new ort.Tensor('float32', new Float32Array(24).fill(0.5), [3, 8]),
        b: new ort.Tensor('float32', new Float32Array(32).fill(0.25), [8, 4]),
      };
      const k = await runner.profileKernels(feeds, 6, { skipRuns: 2 });
      expect([k.runs, k.skippedRuns, k.nodesPerRun]).toEqual([4, 2, 2]);
      expect(k.providers.map((p) => p.provider)).toEqual(['CPUExecutionProvider']);
      expect(k.wallMsPerRun).toBeGreaterThan(0);
      expect(k.wallMsPerRun).toBeGreaterThanOrEqual(k.nodeMsPerRun);
      expect(k.elsewhere).toEqual([]);
    } finally {
      await runner.deactivate();
    }
  });

  it('`bench profile --json=-` writes a versioned report and lists stacks that cannot run here', async () => {
    let out = '';
    let err = '';
    const code = await main(
      [
        'profile',
        '--stack',
        'ort-cpu',
        '--stack',
        'trt-fp16',
        '--models',
        models.dir,
        '--runs',
        '2',
        '--warmup-runs',
        '1',
        '--json=-',
      ],
      {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          err += t;
        },
      },
    );
    expect(code, err).toBe(0);
    const report = JSON.parse(out) as ProfileReport;
    expect(report).toMatchObject({ kind: 'tamkit-profile', schemaVersion: 1 });
    expect(report.modules.map((m) => [m.stack, m.module, m.profile.runs])).toEqual([['ort-cpu', 'scores', 2]]);
    expect(report.unavailable.map((u) => u.stack)).toEqual(['trt-fp16']);
  });
});
