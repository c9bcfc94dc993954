import { describe, expect, it } from 'vitest';
import {
  parseExportOutput,
  parseExportProfile,
  parseExportTimes,
  parsePerformanceSummary,
  summarizeTimes,
  timingStats,
} from '../src/index.js';
import { fixture } from './helpers/fixtures.js';

describe('parsePerformanceSummary', () => {
  it('reads throughput, every statistic line and the default percentiles from a 10.x log with prefixes', () => {
    const s = parsePerformanceSummary(fixture('trtexec-10/run.log'));
    expect(s.throughputQps).toBe(5629.83);
    expect(s.gpuComputeTime).toEqual({
      min: 0.167969,
      max: 0.789551,
      mean: 0.170573,
      median: 0.169983,
      percentiles: { '90': 0.171021, '95': 0.171997, '99': 0.19043 },
    });
    expect(s.latency.percentiles['99']).toBe(0.45874);
    expect(s.enqueueTime.median).toBe(0.0595703);
    expect(s.h2dLatency.max).toBe(0.26416);
    expect(s.d2hLatency.min).toBe(0.0808105);
    expect(s.totalHostWalltimeS).toBe(3.00081);
    expect(s.totalGpuComputeTimeS).toBe(2.88166);
    expect(s.warmupQueries).toBe(1117);
    expect(s.timedQueries).toBe(16894);
  });

  it('reads any percentile set, such as 50 and 99.9, from an 11.x log without timestamps', () => {
    const s = parsePerformanceSummary(fixture('trtexec-11/run.log'));
    expect(Object.keys(s.latency.percentiles)).toEqual(['50', '99.9']);
    expect(s.latency.percentiles['99.9']).toBe(0.123291);
    expect(s.h2dLatency.max).toBe(0);
  });

  it('reads nan and inf statistics as NaN and Infinity', () => {
    const log = fixture('trtexec-10/run.log')
      .replace('min = 0.0808105 ms', 'min = nan ms')
      .replace('max = 0.12793 ms', 'max = inf ms');
    const s = parsePerformanceSummary(log);
    expect(s.d2hLatency.min).toBeNaN();
    expect(s.d2hLatency.max).toBe(Infinity);
  });

  it('BAD INPUT - a log without a summary (failed run or --skipInference) gives a clear error', () => {
    expect(() => parsePerformanceSummary('&&&& FAILED TensorRT.trtexec\n')).toThrow(
      /no "=== Performance summary ===" block/,
    );
  });

  it('BAD INPUT - a log truncated inside the summary names the missing line', () => {
    const log = fixture('trtexec-10/run.log');
    const truncated = log.slice(0, log.indexOf('[I] GPU Compute Time'));
    expect(() => parsePerformanceSummary(truncated)).toThrow(/no "GPU Compute Time:" line/);
  });

  it('BAD INPUT - a statistic line missing its median is reported with its line, not guessed', () => {
    const log = fixture('trtexec-10/run.log').replace('median = 0.418945 ms, ', '');
    expect(() => parsePerformanceSummary(log)).toThrow(/^line 17: .*the "Latency" line is cut off or malformed/);
  });

  it('reads the enqueue-bound warning and its advice line', () => {
    const s = parsePerformanceSummary(fixture('trtexec-10/run.log'));
    expect(s.warnings).toEqual([
      {
        kind: 'enqueue-bound',
        message:
          'Throughput may be bound by Enqueue Time rather than GPU Compute and the GPU may be under-utilized. If not already in use, --useCudaGraph (utilize CUDA graphs where possible) may increase the throughput.',
        line: 24,
      },
    ]);
  });
});

describe('parseExportTimes', () => {
  it('reads every iteration with all twelve fields', () => {
    const trace = parseExportTimes(fixture('trtexec-10/times.json'));
    expect(trace).toHaveLength(4);
    expect(trace[3]).toMatchObject({ computeMs: 0.789, latencyMs: 1.039, startEnqMs: 201.507 });
  });

  it('summarises a trace with the same median and percentile conventions as trtexec', () => {
    const trace = parseExportTimes(fixture('trtexec-10/times.json'));
    const s = summarizeTimes(trace, [50, 99]);
    // computeMs = 0.171, 0.17, 0.171, 0.789: even count, median is the mean of the two middle values.
    expect(s.gpuComputeTime.median).toBeCloseTo(0.171, 12);
    expect(s.gpuComputeTime.max).toBe(0.789);
    expect(s.gpuComputeTime.percentiles['99']).toBe(0.789);
    expect(s.enqueueTime).toMatchObject({ unavailable: true });
    expect(timingStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [90]).percentiles['90']).toBe(9);
  });

  it('BAD INPUT - a trace cut off mid-write is a parse error that says the file may be truncated', () => {
    const text = fixture('trtexec-10/times.json');
    expect(() => parseExportTimes(text.slice(0, text.length / 2))).toThrow(/truncated/);
  });

  it('BAD INPUT - an iteration without computeMs is named', () => {
    expect(() => parseExportTimes('[{"startEnqMs": 1}]')).toThrow(
      /entry 0 has no numeric "startEnqMs"|entry 0 has no numeric "endEnqMs"/,
    );
    expect(() => parseExportTimes('{}')).toThrow(/expected a JSON array/);
    expect(() => parseExportTimes('')).toThrow(/empty/);
  });
});

describe('parseExportProfile', () => {
  it('reads the iteration count and per-layer total, average, median and share', () => {
    const p = parseExportProfile(fixture('trtexec-10/profile.json'));
    expect(p.count).toBe(1000);
    expect(p.layers.map((l) => l.name)[2]).toBe('_gemm_mha_v2_myl3_5');
    expect(p.layers[2]).toEqual({
      name: '_gemm_mha_v2_myl3_5',
      timeMs: 88.4,
      averageMs: 0.0884,
      medianMs: 0.0881,
      percentage: 51.9,
    });
  });

  it('recovers layer names trtexec wrote without JSON escaping, and nan percentages', () => {
    const p = parseExportProfile(fixture('trtexec-10/profile-unescaped-name.json'));
    expect(p.count).toBe(10);
    expect(p.layers[0]!.name).toBe('/decoder/Gather_"idx"\\tail');
    expect(p.layers[1]!.percentage).toBeNaN();
  });

  it('BAD INPUT - a truncated profile is an error, not a partial profile', () => {
    const text = fixture('trtexec-10/profile.json');
    expect(() => parseExportProfile(text.slice(0, text.lastIndexOf(',')))).toThrow(/truncated/);
    expect(() => parseExportProfile('[{"name": "x"}]')).toThrow(/"count"/);
  });
});

describe('parseExportOutput', () => {
  it('reads names, dimensions and values, keeping nan and inf', () => {
    const out = parseExportOutput(fixture('trtexec-10/output.json'));
    expect(out.map((t) => t.name)).toEqual(['iou_predictions', 'object_score_logits', 'broken_fp16_scores']);
    expect(out[0]!.dimensions).toEqual([1, 3]);
    expect(out[1]!.values).toEqual([Infinity]);
    expect(out[2]!.values[0]).toBeNaN();
    expect(out[2]!.values.slice(1)).toEqual([-Infinity, 1e-5, 65504]);
  });

  it('BAD INPUT - a value count that disagrees with the dimensions is an error', () => {
    const text = '[{ "name": "x", "dimensions": "2x2", "values": [1, 2, 3] }]';
    expect(() => parseExportOutput(text)).toThrow(/3 values for dimensions 2x2 \(4 expected\)/);
  });

  it('BAD INPUT - malformed dimensions and truncated files are errors', () => {
    expect(() => parseExportOutput('[{ "name": "x", "dimensions": "2xA", "values": [] }]')).toThrow(
      /not like 1x3x128x128/,
    );
    expect(() => parseExportOutput(fixture('trtexec-10/output.json').slice(0, 60))).toThrow(/truncated/);
  });
});
