import { ToolkitError } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { getStack, STACK_NAMES } from '../src/stacks/registry.js';
import { ThreadedRunner } from '../src/stacks/threaded/threaded-runner.js';
import { loopSpinsByDefault, openModules, threadSettings } from '../src/tracker/open-modules.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';

describe('intra-op threads of the tracking loop sessions', () => {
  it('only ort-cpu computes on the host', () => {
    expect(STACK_NAMES.filter((n) => getStack(n).computesOnHost)).toEqual(['ort-cpu']);
  });

  it("a GPU stack's session gets one thread and no spinning; ort-cpu keeps ONNX Runtime's pool", () => {
    expect(threadSettings(false, {})).toEqual({ threads: 1, allowSpinning: false });
    const host = threadSettings(true, {});
    expect(host.threads).toBeUndefined();
    expect(host.allowSpinning).toBe(loopSpinsByDefault());
  });

  it('given threads and spinning apply to every stack', () => {
    expect(threadSettings(false, { threads: 4, allowSpinning: true })).toEqual({
      threads: 4,
      allowSpinning: true,
      stopSpinningAfterRun: true,
    });
    expect(threadSettings(true, { threads: 2, allowSpinning: false })).toEqual({ threads: 2, allowSpinning: false });
  });
});

describe('sessions in worker threads (encoder ahead, memory encoder early)', () => {
  it('only the stacks measured to run in a worker allow it', () => {
    expect(STACK_NAMES.filter((n) => getStack(n).workerThreads)).toEqual(['ort-cpu', 'ort-cuda']);
  });

  it('refuses a WebGPU module off the JavaScript thread with a typed error, before loading anything', async () => {
    const files = {
      image_encoder: '/nonexistent/image_encoder.onnx',
      memory_attention: '/nonexistent/memory_attention.onnx',
      mask_decoder: '/nonexistent/mask_decoder.onnx',
      memory_encoder: '/nonexistent/memory_encoder.onnx',
    };
    const error = await openModules(files, parseStackSpec('ort-webgpu'), { offThread: ['image_encoder'] }).catch(
      (e: unknown) => e as ToolkitError,
    );
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe('OFF_THREAD_UNSUPPORTED');
    expect((error as ToolkitError).message).toBe('image_encoder cannot run in a worker thread on ort-webgpu');
    expect((error as ToolkitError).remedy).toMatch(/no --encoder-ahead/);
  });

  it('a ThreadedRunner made directly refuses such a stack too', () => {
    expect(() => new ThreadedRunner('ort-webgpu')).toThrow(expect.objectContaining({ code: 'OFF_THREAD_UNSUPPORTED' }));
  });
});
