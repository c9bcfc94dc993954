import { defineOrtStack } from '../ort/define-ort-stack.js';
import type { OrtRunnerOptions } from '../ort/ort-runner.js';

/** Options of `ort-webgpu`. `outputLocation: 'gpu-buffer'` keeps outputs on the GPU for chaining. */
export type OrtWebGpuOptions = Pick<
  OrtRunnerOptions,
  'threads' | 'graphOptimizationLevel' | 'allowSpinning' | 'outputLocation'
>;

export const ortWebGpuStack = defineOrtStack<OrtWebGpuOptions>({
  name: 'ort-webgpu',
  description: 'ONNX Runtime WebGPU execution provider (Dawn; bundled with onnxruntime-node)',
  provider: {
    backend: 'webgpu',
    profileName: 'WebGpuExecutionProvider',
    libraries: [],
    remedy:
      'Run on a machine with a GPU and a Vulkan driver (Dawn needs libvulkan.so.1 and an adapter); ' +
      'onnxruntime-node bundles the WebGPU provider on Linux x64.',
  },
  computesFp16InFp32: false,
  computesOnHost: false,
  workerThreads: false,
  deviceOutputs: true,
  notes: [
    'ONNX Runtime keeps shape arithmetic (Shape, Gather, Unsqueeze, ...) on CPU by design; placement is judged by compute ops and kernel time.',
    'WebGPU kernel times in ORT profiles measure mostly host-side work (recording and submitting GPU commands; the GPU runs asynchronously), so the kernel-time share is not a GPU-time share.',
  ],
});
