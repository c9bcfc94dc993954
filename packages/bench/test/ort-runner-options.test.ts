import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import {
  createRunner,
  generateFeeds,
  ORT_TRT_DEFAULTS_NOTE,
  physicalCoreCount,
  resolveInputShapes,
} from '../src/index.js';

describe('ONNX Runtime stack options', () => {
  it('BAD CALL - a stack without device outputs refuses gpu-buffer outputs, as a whole or per output', () => {
    expect(() => createRunner('ort-cpu', { outputLocation: 'gpu-buffer' } as never)).toThrow(RangeError);
    expect(() => createRunner('ort-cpu', { outputLocation: { y: 'gpu-buffer' } } as never)).toThrow(
      /cannot keep outputs on a device/,
    );
    expect(() =>
      createRunner('ort-webgpu', { outputLocation: { vision_features: 'gpu-buffer', obj_ptr: 'cpu' } }),
    ).not.toThrow();
  });

  it('BAD CALL - threads must be a positive integer', () => {
    expect(() => createRunner('ort-cpu', { threads: 0 })).toThrow(/options.threads/);
    expect(() => createRunner('ort-cpu', { threads: 1.5 })).toThrow(/options.threads/);
  });

  it('reports the options as run, and ort-trt always carries its TensorRT-defaults caveat', () => {
    expect(createRunner('ort-cpu', { threads: 3 }).describeOptions()).toEqual({
      executionProvider: 'cpu',
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 3,
      outputLocation: 'cpu',
    });
    expect(createRunner('ort-trt').notes()).toContain(ORT_TRT_DEFAULTS_NOTE);
    expect(ORT_TRT_DEFAULTS_NOTE).toMatch(/no FP16/);
  });
});

describe('ONNX Runtime CPU thread settings', () => {
  it('runs with spinning stopped after each run (session.force_spinning_stop) and computes what the defaults compute', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-spin-'));
    try {
      await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 6 });
      const model = join(dir, 'mask_decoder.onnx');
      const tuned = createRunner('ort-cpu', { threads: 2, allowSpinning: true, stopSpinningAfterRun: true });
      const plain = createRunner('ort-cpu');
      await Promise.all([tuned.activate(model), plain.activate(model)]);
      const feeds = await generateFeeds(plain.inputs, resolveInputShapes(plain.inputs), 2);
      const [got, want] = [await tuned.infer(feeds), await plain.infer(feeds)];
      await Promise.all([tuned.deactivate(), plain.deactivate()]);
      for (const [name, tensor] of Object.entries(want)) expect(got[name]!.data).toEqual(tensor.data);
      expect(tuned.describeOptions()).toMatchObject({
        intraOpNumThreads: 2,
        allowSpinning: true,
        stopSpinningAfterRun: true,
      });
      expect(plain.describeOptions()).not.toHaveProperty('stopSpinningAfterRun');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("records the physical core count (ONNX Runtime's default thread count) where Linux reports it", () => {
    const physical = physicalCoreCount();
    if (physical === undefined) return void console.log('skipped: /sys reports no CPU topology here');
    expect(physical).toBeGreaterThan(0);
    expect(physical).toBeLessThanOrEqual(cpus().length);
  });
});
