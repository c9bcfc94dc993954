/** The registry is the only source of stack traits; callers ask traits and pass common settings, never names. */
import { describe, expect, it } from 'vitest';
import { createRunnerWith, getStack, STACK_NAMES, STACKS } from '../src/index.js';

describe('the stack registry', () => {
  it('names every definition by its registry key, and each carries the traits callers ask', () => {
    for (const name of STACK_NAMES) {
      const stack = STACKS[name];
      expect(stack.name).toBe(name);
      expect(typeof stack.deviceOutputs).toBe('boolean');
      expect(typeof stack.computesFp16InFp32).toBe('boolean');
      expect(['onnxruntime', 'tensorrt']).toContain(stack.family);
    }
    // What the tracking loop, bisect and the pipeline benchmark used to ask by name.
    expect(STACK_NAMES.filter((n) => STACKS[n].deviceOutputs)).toEqual(['ort-webgpu']);
    expect(STACK_NAMES.filter((n) => STACKS[n].computesFp16InFp32)).toEqual(['ort-cpu']);
  });

  it('maps the common settings onto each stack: device outputs only where the stack keeps them', () => {
    const webgpu = createRunnerWith('ort-webgpu', { threads: 2, deviceOutputs: true, allowSpinning: false });
    expect(webgpu.describeOptions()).toMatchObject({
      intraOpNumThreads: 2,
      outputLocation: 'gpu-buffer',
      allowSpinning: false,
    });
    // A CPU stack asked for device outputs keeps them on the host instead of refusing.
    expect(createRunnerWith('ort-cpu', { deviceOutputs: true }).describeOptions()).toMatchObject({
      outputLocation: 'cpu',
    });
    expect(createRunnerWith('ort-cpu').describeOptions()).not.toHaveProperty('allowSpinning');
    // trtexec runs out of process: threads and device outputs do not apply, and asking is no error.
    expect(createRunnerWith('trt-fp16', { threads: 4, deviceOutputs: true }).stack).toBe('trt-fp16');
  });

  it('BAD CALL - an unknown stack name is a usage error listing the known ones', () => {
    expect(() => getStack('ort-gpu')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => createRunnerWith('ort-gpu')).toThrow(
      expect.objectContaining({ remedy: expect.stringMatching(/ort-cpu, ort-webgpu/) }),
    );
  });
});
