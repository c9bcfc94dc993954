import { ToolkitError } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { compareReports, judgeChange, parseThreshold } from '../src/index.js';
import { environment, moduleResult, pipeline, report, stats } from './report-fixtures.js';

describe('judgeChange', () => {
  it('marks a slowdown beyond the threshold on a quiet run as a regression', () => {
    const verdict = judgeChange(stats(10, 0.01), stats(11, 0.01), 0.05, 1);
    expect(verdict.verdict).toBe('regression');
    expect(verdict.limitBy).toBe('threshold');
    expect(verdict.deltaMs).toBeCloseTo(1);
    expect(verdict.deltaRatio).toBeCloseTo(0.1);
  });

  it('keeps a change beyond the threshold but within the measured spread unchanged', () => {
    // 10% slower, but both runs swing by 20% sample to sample.
    const verdict = judgeChange(stats(10, 0.2), stats(11, 0.2), 0.05, 1);
    expect(verdict.verdict).toBe('unchanged');
    expect(verdict.limitBy).toBe('noise');
    expect(verdict.limitMs).toBeGreaterThan(1);
  });

  it('uses the pooled spread of both runs, so one noisy run widens the limit', () => {
    const quiet = judgeChange(stats(10, 0.01), stats(11, 0.01), 0.05, 1);
    const oneNoisy = judgeChange(stats(10, 0.01), stats(11, 0.2), 0.05, 1);
    expect(oneNoisy.limitMs!).toBeGreaterThan(quiet.limitMs!);
    expect(oneNoisy.limitMs).toBeCloseTo(Math.sqrt((0.1 ** 2 + 2.2 ** 2) / 2));
  });

  it('marks a speed-up beyond the limit as an improvement', () => {
    expect(judgeChange(stats(10), stats(8), 0.05, 1).verdict).toBe('improvement');
  });

  it('treats a change of exactly the limit as unchanged', () => {
    expect(judgeChange(stats(10, 0), stats(10.5, 0), 0.05, 0).verdict).toBe('unchanged');
  });
});

describe('compareReports', () => {
  const base = report({
    label: 'base',
    modules: [moduleResult('ort-cpu', 'image_encoder', 50), moduleResult('ort-cpu', 'mask_decoder', 7)],
    pipelines: [pipeline({ image_encoder: 'ort-cpu', mask_decoder: 'ort-cpu' }, 60)],
  });

  it('gives one verdict per (stack, module) pair and per pipeline', () => {
    const current = report({
      modules: [moduleResult('ort-cpu', 'image_encoder', 60), moduleResult('ort-cpu', 'mask_decoder', 5)],
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
  });

  it('reports no regression when every change is within the threshold', () => {
    const current = report({
      modules: [moduleResult('ort-cpu', 'image_encoder', 51), moduleResult('ort-cpu', 'mask_decoder', 7.1)],
      pipelines: [pipeline({ image_encoder: 'ort-cpu', mask_decoder: 'ort-cpu' }, 60.5)],
    });
    expect(compareReports(base, current).hasRegression).toBe(false);
  });

  it('marks pairs present in only one report as missing or new, not as regressions', () => {
    const current = report({
      modules: [moduleResult('ort-cpu', 'image_encoder', 50), moduleResult('ort-webgpu', 'image_encoder', 10)],
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
