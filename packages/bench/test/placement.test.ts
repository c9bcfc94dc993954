import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assertPlacement,
  COMPUTE_OPS,
  describePlacement,
  parseOrtProfile,
  RunnerErrorCode,
  requestedKernelShare,
  summarisePlacement,
} from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
// A WebGPU-style profile of two runs written by hand in ORT's Chrome-trace format: shape arithmetic on CPU (by
// design), one MatMul that fell back to CPU, the rest on WebGPU, plus fence and session events to ignore.
const webgpuProfile = () => parseOrtProfile(fixture('ort-profile-webgpu-partial.json'));

describe('parseOrtProfile', () => {
  it('reads one event per node execution and counts the runs, ignoring fences and session events', () => {
    const profile = webgpuProfile();
    expect(profile.runs).toBe(2);
    expect(profile.nodeEvents).toHaveLength(20);
    expect(profile.nodeEvents[5]).toMatchObject({
      node: '/attn/MatMul',
      opType: 'MatMul',
      provider: 'WebGpuExecutionProvider',
      durationUs: 400,
    });
    expect(profile.runWindows.map((w) => w.startUs)).toEqual(
      [...profile.runWindows.map((w) => w.startUs)].sort((a, b) => a - b),
    );
  });

  it('reads a profile written by onnxruntime-node 1.30 for a one-Conv model on the CPU provider', () => {
    const profile = parseOrtProfile(fixture('ort-profile-cpu-conv.json'));
    expect(profile.runs).toBe(1);
    expect(profile.nodeEvents.map((e) => [e.opType, e.provider])).toEqual([['Conv', 'CPUExecutionProvider']]);
  });

  it('accepts the object form with a traceEvents array', () => {
    const text = JSON.stringify({
      traceEvents: [
        { cat: 'Node', name: 'n_kernel_time', dur: 7, args: { op_name: 'Relu', provider: 'CPUExecutionProvider' } },
      ],
    });
    expect(parseOrtProfile(text).nodeEvents).toEqual([
      { node: 'n', opType: 'Relu', provider: 'CPUExecutionProvider', durationUs: 7, startUs: 0 },
    ]);
  });

  it('BAD CALL - a truncated profile fails with a typed error that suggests rerunning', () => {
    const text = fixture('ort-profile-webgpu-partial.json');
    const error = (() => {
      try {
        parseOrtProfile(text.slice(0, text.length / 2), 'profile.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'ORT_PROFILE_MALFORMED' });
    expect(String((error as Error).message)).toContain('profile.json');
    expect((error as { remedy: string }).remedy).toMatch(/rerun/i);
  });

  it('BAD CALL - JSON that is not a trace fails with a typed error', () => {
    expect(() => parseOrtProfile('{"hello": 1}')).toThrow(/no trace event array/);
  });
});

describe('summarisePlacement', () => {
  it('counts distinct nodes and mean kernel time per run for each provider, requested provider first', () => {
    const placement = summarisePlacement(webgpuProfile(), 'WebGpuExecutionProvider');
    expect(placement.providers).toEqual([
      { provider: 'WebGpuExecutionProvider', nodes: 5, kernelTimeMs: (5 + 400 + 120 + 60 + 30) / 1000 },
      { provider: 'CPUExecutionProvider', nodes: 5, kernelTimeMs: (2 + 1 + 1 + 2 + 900) / 1000 },
    ]);
  });

  it('lists compute ops that ran elsewhere but not the shape arithmetic ORT keeps on CPU by design', () => {
    const placement = summarisePlacement(webgpuProfile(), 'WebGpuExecutionProvider');
    expect(placement.computeOpsElsewhere).toEqual([
      { node: '/attn/MatMul_1', opType: 'MatMul', provider: 'CPUExecutionProvider' },
    ]);
    for (const op of ['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape', 'Cast'])
      expect(COMPUTE_OPS.has(op)).toBe(false);
  });

  it('reports the requested share of kernel time', () => {
    const placement = summarisePlacement(webgpuProfile(), 'WebGpuExecutionProvider');
    expect(requestedKernelShare(placement)).toBeCloseTo(615 / (615 + 906), 10);
    expect(describePlacement(placement)).toContain('WebGpuExecutionProvider 40.4% of kernel time, 5/10 nodes');
  });

  it('finds nothing elsewhere when every node ran on the requested provider', () => {
    const placement = summarisePlacement(parseOrtProfile(fixture('ort-profile-cpu-conv.json')), 'CPUExecutionProvider');
    expect(placement.computeOpsElsewhere).toEqual([]);
    expect(requestedKernelShare(placement)).toBe(1);
  });
});

describe('assertPlacement', () => {
  const partial = () => summarisePlacement(webgpuProfile(), 'WebGpuExecutionProvider');

  it('BAD CALL - fails listing every compute op that ran on another provider', () => {
    expect(() => assertPlacement(partial(), 'ort-webgpu on attn.onnx', { allowPartial: false })).toThrow(
      /ort-webgpu on attn\.onnx: 1 compute op\(s\).*\/attn\/MatMul_1 \(MatMul\) on CPUExecutionProvider/,
    );
    try {
      assertPlacement(partial(), 'x', { allowPartial: false });
    } catch (error) {
      expect(error).toMatchObject({ code: RunnerErrorCode.Placement });
      expect((error as { remedy: string }).remedy).toContain('--allow-partial');
    }
  });

  it('lets partial placement through when the user allows it', () => {
    expect(() => assertPlacement(partial(), 'x', { allowPartial: true })).not.toThrow();
  });
});
