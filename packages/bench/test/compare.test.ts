import { ToolkitError } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { compareReports, parseThreshold } from '../src/index.js';
import { environment, latencySamples, moduleResult, pipeline, report, sampledModule } from './report-fixtures.js';

describe('compareReports', () => {
  const base = report({
    label: 'base',
    modules: [moduleResult('ort-cpu', 'image_encoder', 50), moduleResult('ort-cpu', 'mask_decoder', 7)],
    pipelines: [pipeline({ image_encoder: 'ort-cpu', mask_decoder: 'ort-cpu' }, 60)],
  });

  it('gives one verdict per (stack, module) pair and per pipeline', () => {
    const current = report({
      modules: [
        moduleResult('ort-cpu', 'image_encoder', 60, 0.01, 'v2'),
        moduleResult('ort-cpu', 'mask_decoder', 5, 0.01, 'v2'),
      ],
      pipelines: [pipeline({ image_encoder: 'ort-cpu', mask_decoder: 'ort-cpu' }, 61)],
    });
    const comparison = compareReports(base, current, { threshold: 0.05 });
    const verdicts = Object.fromEntries(comparison.rows.map((r) => [r.key, r.verdict]));
    expect(verdicts).toEqual({
      'ort-cpu / image_encoder': 'regression',
      'ort-cpu / mask_decoder': 'improvement',
      'unbaked [ort-cpu]': 'unchanged',
    });
    expect(comparison.hasRegression).toBe(true);
    expect(comparison.counts).toMatchObject({ regression: 1, improvement: 1, unchanged: 1 });
    expect(comparison.outcome).toBe('regression');
  });

  it('reports no regression when every change is within the threshold', () => {
    const current = report({
      modules: [
        moduleResult('ort-cpu', 'image_encoder', 51, 0.01, 'v2'),
        moduleResult('ort-cpu', 'mask_decoder', 7.1, 0.01, 'v2'),
      ],
      pipelines: [pipeline({ image_encoder: 'ort-cpu', mask_decoder: 'ort-cpu' }, 60.5)],
    });
    const comparison = compareReports(base, current);
    expect(comparison.hasRegression).toBe(false);
    expect(comparison.outcome).toBe('ok');
    expect(comparison.rows.map((r) => r.verdict)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('marks pairs present in only one report as missing or new, not as regressions', () => {
    const current = report({
      modules: [
        moduleResult('ort-cpu', 'image_encoder', 50, 0.01, 'v2'),
        moduleResult('ort-webgpu', 'image_encoder', 10),
      ],
    });
    const comparison = compareReports(base, current);
    const verdicts = Object.fromEntries(comparison.rows.map((r) => [r.key, r.verdict]));
    expect(verdicts['ort-cpu / mask_decoder']).toBe('missing');
    expect(verdicts['ort-webgpu / image_encoder']).toBe('added');
    expect(verdicts['unbaked [ort-cpu]']).toBe('missing');
    expect(comparison.hasRegression).toBe(false);
  });

  it('refuses reports from different environments, listing every difference', () => {
    const current = report({
      environment: environment({
        cpu: { model: 'Intel Xeon 8480', cores: 16 },
        gpu: { name: 'NVIDIA H100', driver: '570.86' },
      }),
      modules: base.modules,
    });
    let error: unknown;
    try {
      compareReports(base, current);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe('ENVIRONMENT_MISMATCH');
    expect((error as ToolkitError).message).toContain(
      'cpu.model: AMD EPYC 9654 (baseline) vs Intel Xeon 8480 (current)',
    );
    expect((error as ToolkitError).message).toContain('gpu.name: NVIDIA H200 (baseline) vs NVIDIA H100 (current)');
    expect((error as ToolkitError).message).not.toContain('gpu.driver');
    expect((error as ToolkitError).remedy).toContain('--force');
  });

  it('ignores the host name, so runners of one label stay comparable', () => {
    const current = report({ environment: environment({ hostname: 'runner-77' }), modules: base.modules });
    expect(compareReports(base, current).environmentDifferences).toEqual([]);
  });

  it('compares different environments when forced and keeps the differences', () => {
    const current = report({ environment: environment({ onnxruntime: '1.31.0' }), modules: base.modules });
    const comparison = compareReports(base, current, { force: true });
    expect(comparison.environmentDifferences).toEqual([
      { field: 'onnxruntime', baseline: '1.30.0', current: '1.31.0' },
    ]);
  });

  it('pairs differently named stacks when asked (FP16 against FP32)', () => {
    const fp32 = report({ modules: [moduleResult('trt-fp32', 'image_encoder', 1.4)] });
    const fp16 = report({ modules: [moduleResult('trt-fp16', 'image_encoder', 0.8)] });
    const unpaired = compareReports(fp32, fp16);
    expect(unpaired.rows.map((r) => r.verdict)).toEqual(['missing', 'added']);
    const paired = compareReports(fp32, fp16, { pairStacks: { 'trt-fp32': 'trt-fp16' } });
    expect(paired.rows).toHaveLength(1);
    expect(paired.rows[0]).toMatchObject({ key: 'trt-fp16 / image_encoder', verdict: 'improvement' });
  });

  it('pairs pipeline variants when asked (baked against unbaked)', () => {
    const unbaked = report({ pipelines: [pipeline({ image_encoder: 'ort-cpu' }, 60, 0.01, 'unbaked')] });
    const baked = report({ pipelines: [pipeline({ image_encoder: 'ort-cpu' }, 50, 0.01, 'baked')] });
    const comparison = compareReports(unbaked, baked, { pairVariants: { unbaked: 'baked' } });
    expect(comparison.rows).toHaveLength(1);
    expect(comparison.rows[0]).toMatchObject({ kind: 'pipeline', key: 'baked [ort-cpu]', verdict: 'improvement' });
  });

  it('notes when the model behind a pair changed', () => {
    const changed = moduleResult('ort-cpu', 'image_encoder', 50);
    changed.modelSha256 = 'other';
    const comparison = compareReports(base, report({ modules: [changed] }));
    expect(comparison.rows[0]!.notes).toContain('model changed');
  });

  it("calls the demo's byte-identical models controls, not 46% and 62% improvements, and refuses to judge", () => {
    // The unbaked run met a loaded machine, the baked one a quiet machine: memory_attention and memory_encoder
    // (same bytes: only converted) ran 1.85x and 2.6x slower in the baseline. The modules that changed are
    // judged against that drift: it is far beyond the 25% allowed, so their verdicts are refused.
    const unbaked = report({
      label: 'unbaked',
      modules: [
        sampledModule('image_encoder', latencySamples(200, 6, 1, { load: () => 1.9 }), 'unbaked'),
        sampledModule('memory_attention', latencySamples(180, 6, 2, { load: () => 1.85 }), 'same'),
        sampledModule('mask_decoder', latencySamples(30, 6, 3, { load: () => 2.2 }), 'unbaked'),
        sampledModule('memory_encoder', latencySamples(15, 6, 4, { load: () => 2.6 }), 'same'),
      ],
    });
    const baked = report({
      label: 'baked',
      modules: [
        sampledModule('image_encoder', latencySamples(204, 6, 5), 'baked'),
        sampledModule('memory_attention', latencySamples(180, 6, 6), 'same'),
        sampledModule('mask_decoder', latencySamples(35, 6, 7), 'baked'),
        sampledModule('memory_encoder', latencySamples(15, 6, 8), 'same'),
      ],
    });
    const comparison = compareReports(unbaked, baked);
    const verdicts = Object.fromEntries(comparison.rows.map((r) => [r.module, r.verdict]));
    expect(verdicts).toEqual({
      image_encoder: 'too-noisy',
      memory_attention: 'control',
      mask_decoder: 'too-noisy',
      memory_encoder: 'control',
    });
    expect(comparison.drift).toMatchObject({ controls: ['ort-cpu / memory_attention', 'ort-cpu / memory_encoder'] });
    expect(comparison.drift.worst).toBe('ort-cpu / memory_encoder');
    expect(comparison.drift.drift).toBeGreaterThan(1);
    expect(comparison.drift.refused).toBe(true);
    expect(comparison.outcome).toBe('too-noisy');
    expect(comparison.rows[0]!.reason).toContain('measure both sides again, interleaved');
  });

  it('widens every verdict by the drift of the controls, so a shifted load is not called a regression', () => {
    // Identical distributions; the current run had the machine 8% slower, the control shows it.
    const quiet = report({
      modules: [
        sampledModule('memory_attention', latencySamples(10, 80, 1), 'old'),
        sampledModule('memory_encoder', latencySamples(4, 80, 2), 'same'),
      ],
    });
    const loaded = report({
      modules: [
        sampledModule('memory_attention', latencySamples(10, 80, 3, { load: () => 1.08 }), 'new'),
        sampledModule('memory_encoder', latencySamples(4, 80, 4, { load: () => 1.08 }), 'same'),
      ],
    });
    const withControl = compareReports(quiet, loaded);
    expect(withControl.rows.map((r) => r.verdict)).toEqual(['too-noisy', 'control']);
    expect(withControl.drift.drift).toBeGreaterThan(0.04);
    expect(withControl.drift.refused).toBe(false);
    // Without the control the same data reads as a regression: the drift is invisible to one run's samples.
    expect(compareReports(quiet, loaded, { controls: 'none' }).rows[0]!.verdict).toBe('regression');
  });

  it('still finds a 20% slowdown beside a quiet control', () => {
    const before = report({
      modules: [
        sampledModule('mask_decoder', latencySamples(6, 40, 1), 'v1'),
        sampledModule('memory_encoder', latencySamples(4, 40, 2), 'same'),
      ],
    });
    const after = report({
      modules: [
        sampledModule('mask_decoder', latencySamples(6 * 1.2, 40, 3), 'v2'),
        sampledModule('memory_encoder', latencySamples(4, 40, 4), 'same'),
      ],
    });
    const comparison = compareReports(before, after);
    expect(comparison.rows.map((r) => r.verdict)).toEqual(['regression', 'control']);
    expect(comparison.outcome).toBe('regression');
  });

  it('pairs the samples by round when both reports are the two sides of one interleaved run', () => {
    // Load changes from round to round (1x..2x), hitting both sides of a round alike.
    const rounds = Array.from({ length: 60 }, (_, i) => Math.floor(i / 5));
    const load = (i: number) => 1 + ((rounds[i]! * 7) % 10) / 10;
    const side = (name: 'baseline' | 'current', scale: number, seed: number) =>
      report({
        interleaved: { id: 'run-1', side: name, rounds: 12, iterationsPerRound: 5 },
        modules: [
          sampledModule('mask_decoder', latencySamples(6 * scale, 60, seed, { load }), name, rounds),
          sampledModule('memory_encoder', latencySamples(4, 60, seed + 1, { load }), 'same', rounds),
        ],
      });
    const aa = compareReports(side('baseline', 1, 1), side('current', 1, 3));
    expect(aa.interleaved).toBe(true);
    expect(aa.rows[0]!.interval!.method).toBe('paired-rounds');
    expect(aa.rows.map((r) => r.verdict)).toEqual(['unchanged', 'control']);
    expect(compareReports(side('baseline', 1, 1), side('current', 1.2, 3)).rows[0]!.verdict).toBe('regression');
    // The same samples without the pairing: the load spread swamps the 20%.
    const { interleaved: _drop, ...unpaired } = side('current', 1.2, 3);
    expect(compareReports(side('baseline', 1, 1), unpaired).rows[0]!.interval!.method).toBe('bootstrap');
  });

  it('has no controls when forced across environments: the models are what stayed the same', () => {
    const current = report({ environment: environment({ onnxruntime: '1.31.0' }), modules: base.modules });
    const comparison = compareReports(base, current, { force: true });
    expect(comparison.counts.control).toBe(0);
    expect(comparison.rows[0]!.verdict).toBe('unchanged');
  });

  it('calls a pair with fewer than 5 samples a side too noisy to judge', () => {
    const few = report({ modules: [moduleResult('ort-cpu', 'image_encoder', 50, 0.01, 'v2')] });
    few.modules[0]!.latency.samples = 3;
    const comparison = compareReports(base, few);
    expect(comparison.rows[0]).toMatchObject({ verdict: 'too-noisy', reason: 'fewer than 5 samples on a side' });
    expect(comparison.outcome).toBe('too-noisy');
  });

  it('BAD CALL - rejects a threshold outside [0, 1)', () => {
    expect(() => compareReports(base, base, { threshold: 5 })).toThrow(RangeError);
  });
});

describe('parseThreshold', () => {
  it('reads percentages and fractions alike', () => {
    expect(parseThreshold('5%')).toBeCloseTo(0.05);
    expect(parseThreshold('0.05')).toBeCloseTo(0.05);
    expect(parseThreshold('12.5%')).toBeCloseTo(0.125);
  });

  it('BAD CALL - refuses a bare number of 1 or more rather than guessing its unit', () => {
    expect(() => parseThreshold('5')).toThrow(/--threshold 5 is not/);
    expect(() => parseThreshold('abc%')).toThrow(ToolkitError);
  });
});
