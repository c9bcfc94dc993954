import { describe, expect, it } from 'vitest';
import { createRunner, ORT_TRT_DEFAULTS_NOTE } from '../src/index.js';

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
      crashProbe: false,
    });
    expect(createRunner('ort-trt').notes()).toContain(ORT_TRT_DEFAULTS_NOTE);
    expect(ORT_TRT_DEFAULTS_NOTE).toMatch(/no FP16/);
  });
});
