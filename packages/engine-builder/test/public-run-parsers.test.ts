// Performance summaries, --exportTimes and --exportProfile files that trtexec wrote (test/fixtures/public/, see
// each file's .source.json). Expected values were read from the files by hand.
import { describe, expect, it } from 'vitest';
import {
  ENQUEUE_FROM_TRACE_UNAVAILABLE,
  parseExportProfile,
  parseExportTimes,
  parsePerformanceSummary,
  summarizeTimes,
} from '../src/index.js';
import { fixture } from './helpers/fixtures.js';
import { parseFailure } from './helpers/parse-errors.js';

describe('parsePerformanceSummary on real trtexec logs', () => {
  it('reads a TensorRT 10.16.0 summary with both warnings: enqueue-bound and unstable GPU compute time', () => {
    const s = parsePerformanceSummary(fixture('public/trt-10.16.0/run.log'));
    expect(s.throughputQps).toBe(20235.1);
    expect(s.latency).toEqual({
      min: 0.0332031,
      max: 1.46887,
      mean: 0.039971,
      median: 0.038269,
      percentiles: { '90': 0.0435791, '95': 0.0478516, '99': 0.0629883 },
    });
    expect(s.enqueueTime.median).toBe(0.0241699);
    expect(s.gpuComputeTime.mean).toBe(0.0305783);
    expect(s.totalHostWalltimeS).toBe(3.00009);
    expect(s.totalGpuComputeTimeS).toBe(1.85632);
    expect(s.line).toBe(567);
    expect(s.warnings.map((w) => [w.kind, w.line])).toEqual([
      ['enqueue-bound', 576],
      ['unstable-gpu-compute', 578],
    ]);
    expect(s.warnings[0]!.message).toMatch(/--useCudaGraph \(utilize CUDA graphs where possible\) may increase/);
    expect(s.warnings[1]!.coefficientOfVariationPct).toBe(29.8349);
  });

  it('reads the coefficient-of-variation warning of a TensorRT 8.6.0 verbose run', () => {
    const s = parsePerformanceSummary(fixture('public/trt-8.6.0/run-verbose.log'));
    expect(s.throughputQps).toBe(21009.2);
    expect(s.warmupQueries).toBe(4141);
    expect(s.timedQueries).toBe(63030);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({
      kind: 'unstable-gpu-compute',
      coefficientOfVariationPct: 44.3558,
      line: 191,
    });
  });

  it('reads a TensorRT 10.14.1 summary followed by --dumpOutput lines', () => {
    const s = parsePerformanceSummary(fixture('public/trt-10.14.1/run-load-inputs.log'));
    expect(s.throughputQps).toBe(14062.9);
    expect(s.gpuComputeTime.median).toBe(0.0491028);
    expect(s.warnings.map((w) => w.kind)).toEqual(['enqueue-bound', 'unstable-gpu-compute']);
    expect(s.warnings[1]!.coefficientOfVariationPct).toBe(52.1897);
  });

  it('reads a TensorRT 10.16.1 CUDA-graph run without warnings and with zero transfers', () => {
    const s = parsePerformanceSummary(fixture('public/trt-10.16.1/run-cudagraph.log'));
    expect(s.throughputQps).toBe(24896.9);
    expect(s.enqueueTime.median).toBe(0.00195312);
    expect(s.h2dLatency).toEqual({ min: 0, max: 0, mean: 0, median: 0, percentiles: { '90': 0, '95': 0, '99': 0 } });
    expect(s.warnings).toEqual([]);
  });

  it('BAD INPUT - a summary cut in the middle of a statistics line is an error naming that line', async () => {
    const log = fixture('public/trt-10.16.0/run.log');
    // Cut after the 95th percentile of "GPU Compute Time" (line 572), before its 99th.
    const cut = log.slice(0, log.indexOf('percentile(95%) = 0.0378418 ms') + 'percentile(95%) = 0.0378418 ms'.length);
    const e = await parseFailure(() => parsePerformanceSummary(cut));
    expect(e.code).toBe('PARSE_FAILED');
    expect(e.line).toBe(572);
    expect(e.message).toMatch(
      /line 572: .*"GPU Compute Time" reports percentiles \[90,95\] but "Latency" reports \[90,95,99\]/,
    );
  });

  it('BAD INPUT - a summary cut inside a number, or before the totals, is an error naming the line', async () => {
    const log = fixture('public/trt-10.16.0/run.log');
    const inNumber = log.slice(0, log.indexOf('percentile(99%) = 0.00756836') + 'percentile(99%) = 0.007'.length);
    expect(await parseFailure(() => parsePerformanceSummary(inNumber))).toMatchObject({
      line: 573,
      code: 'PARSE_FAILED',
    });
    const noTotals = log.slice(0, log.indexOf('[04/25/2026-04:28:05] [I] Total Host Walltime'));
    const e = await parseFailure(() => parsePerformanceSummary(noTotals));
    expect(e.message).toMatch(/no "Total Host Walltime:" line; the log ends at line 573, it is truncated/);
  });
});

describe('parseExportTimes on a real --exportTimes trace', () => {
  it('reads all 263 iterations of a TensorRT 8.4 trace', () => {
    const trace = parseExportTimes(fixture('public/trt-8.4/tf-resnet-fp32.timing.json'));
    expect(trace).toHaveLength(263);
    expect(trace[0]).toEqual({
      startEnqMs: 16.6644,
      endEnqMs: 16.9316,
      startH2dMs: 16.6236,
      endH2dMs: 16.6236,
      startComputeMs: 16.6236,
      endComputeMs: 29.6417,
      startD2hMs: 29.6417,
      endD2hMs: 29.6417,
      h2dMs: 0,
      computeMs: 13.0181,
      d2hMs: 0,
      latencyMs: 13.0181,
    });
    expect(trace[262]).toMatchObject({ startEnqMs: 3209.2, endEnqMs: 3209.21, computeMs: 12.1631 });
  });

  it('says enqueue time is unavailable from a trace (timestamps in 0.01 ms steps) instead of reporting 0', () => {
    const trace = parseExportTimes(fixture('public/trt-8.4/tf-resnet-fp32.timing.json'));
    // The last iteration shows why: 3209.2 -> 3209.21 is the printed resolution, not an enqueue time.
    const s = summarizeTimes(trace);
    expect(s.enqueueTime).toEqual({ unavailable: true, reason: ENQUEUE_FROM_TRACE_UNAVAILABLE });
    expect(s.gpuComputeTime.max).toBe(13.0181);
    expect(s.h2dLatency.max).toBe(0);
  });

  it('BAD INPUT - a trace cut off mid-write names the line where it ends', async () => {
    const text = fixture('public/trt-8.4/tf-resnet-fp32.timing.json');
    const cut = text.slice(0, text.indexOf('"startEnqMs" : 29.6984'));
    const e = await parseFailure(() => parseExportTimes(cut));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/line 4: not a valid trtexec --exportTimes JSON: .*truncated/);
  });
});

describe('parseExportProfile on real --exportProfile files', () => {
  it('reads a TensorRT 8.4 profile: count, 26 layers with names holding brackets, percentages adding up to 100', () => {
    const p = parseExportProfile(fixture('public/trt-8.4/resnet-qat-residual.profile.json'));
    expect(p.count).toBe(1);
    expect(p.layers).toHaveLength(26);
    expect(p.layers[0]).toEqual({
      name: 'QuantizeLinear_2',
      timeMs: 0.095232,
      averageMs: 0.095232,
      medianMs: 0.095232,
      percentage: 13.0252,
    });
    expect(p.layers[25]!.name).toBe('copied_squeeze_after_(Unnamed Layer* 355) [ElementWise]');
  });

  it('reads reformatting layers of an FP16 profile', () => {
    const p = parseExportProfile(fixture('public/trt-8.4/resnet-fp16.profile.json'));
    expect(p.layers[0]).toMatchObject({
      name: 'Reformatting CopyNode for Input Tensor 0 to Conv_0 + Relu_1',
      averageMs: 0.080896,
      percentage: 7.95569,
    });
  });

  it('BAD INPUT - a profile cut right after a "]" inside a layer name is an error, not 24 of 26 layers', async () => {
    const text = fixture('public/trt-8.4/resnet-qat-residual.profile.json');
    const cut = text.slice(0, text.indexOf('[Shuffle]') + '[Shuffle]'.length);
    const e = await parseFailure(() => parseExportProfile(cut));
    expect(e.code).toBe('PARSE_FAILED');
    expect(e.line).toBe(27);
    expect(e.message).toMatch(/does not end with the closing "\]" line: it is truncated/);
  });

  it('BAD INPUT - a whole-looking profile that lost layers is refused by its percentages', async () => {
    const lines = fixture('public/trt-8.4/resnet-qat-residual.profile.json').split('\n');
    const missingTwo = [...lines.slice(0, 3), ...lines.slice(5)].join('\n');
    expect((await parseFailure(() => parseExportProfile(missingTwo))).message).toMatch(
      /24 layers' percentages add up to 85\.71, not 100: layers are missing/,
    );
  });
});
