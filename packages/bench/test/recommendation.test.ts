import { describe, expect, it } from 'vitest';
import { formatRecommendation } from '../src/cli/recommendation.js';
import {
  BENCH_REPORT_KIND,
  BENCH_SCHEMA_VERSION,
  type BenchReport,
  computeLatencyStats,
  type ModuleResult,
} from '../src/index.js';

// Reports built here are input data for the formatter (two stacks cannot both run on this machine).
function result(stack: string, module: string, p50: number, elsewhere = 0): ModuleResult {
  return {
    stack,
    module,
    modelPath: `${module}.onnx`,
    modelSha256: '0'.repeat(64),
    latency: computeLatencyStats([p50, p50, p50]),
    placement: {
      requested: 'X',
      providers: [],
      computeOpsElsewhere: Array.from({ length: elsewhere }, (_, i) => ({
        node: `n${i}`,
        opType: 'MatMul',
        provider: 'CPUExecutionProvider',
      })),
    },
    options: {},
    notes: [],
  };
}

function report(modules: ModuleResult[]): BenchReport {
  return {
    kind: BENCH_REPORT_KIND,
    schemaVersion: BENCH_SCHEMA_VERSION,
    createdAt: '2026-11-27T00:00:00.000Z',
    environment: { node: 'v20', os: 'Linux', cpu: { model: 'cpu', cores: 2 }, hostname: 'h' },
    modules,
    pipelines: [],
    unavailable: [],
  };
}

describe('formatRecommendation (run command output)', () => {
  it('names the fastest stack per module and its predicted frame time against the best single stack', () => {
    const text = formatRecommendation(
      report([
        result('ort-cpu', 'enc', 50),
        result('ort-webgpu', 'enc', 10),
        result('ort-cpu', 'dec', 7),
        result('ort-webgpu', 'dec', 20),
      ]),
      false,
    );
    expect(text).toContain(
      'fastest per module: enc=ort-webgpu,dec=ort-cpu: 17.00 ms per frame (best single stack ort-webgpu: 30.00 ms)',
    );
  });

  it('says nothing for a single stack, or when partial placements are the only candidates and not allowed', () => {
    expect(formatRecommendation(report([result('ort-cpu', 'enc', 5)]), false)).toBe('');
    const partial = report([result('ort-cpu', 'enc', 5, 1), result('ort-webgpu', 'enc', 2, 3)]);
    expect(formatRecommendation(partial, false)).toBe('');
    expect(formatRecommendation(partial, true)).toContain('enc=ort-webgpu');
  });
});
