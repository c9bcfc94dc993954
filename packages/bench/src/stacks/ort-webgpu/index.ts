import { OrtRunner, type OrtRunnerOptions, type OrtStackTraits } from '../ort/ort-runner.js';
import { probeOrtProvider } from '../ort/probe.js';
import type { StackDefinition } from '../stack-definition.js';

/** Options of `ort-webgpu`. `outputLocation: 'gpu-buffer'` keeps outputs on the GPU for chaining. */
export type OrtWebGpuOptions = Pick<
  OrtRunnerOptions,
  'threads' | 'graphOptimizationLevel' | 'allowSpinning' | 'outputLocation'
>;

const traits: OrtStackTraits = {
  stack: 'ort-webgpu',
  provider: {
    backend: 'webgpu',
    profileName: 'WebGpuExecutionProvider',
    libraries: [],
    remedy:
      'Run on a machine with a GPU and a Vulkan driver (Dawn needs libvulkan.so.1 and an adapter); ' +
      'onnxruntime-node bundles the WebGPU provider on Linux x64.',
  },
  deviceOutputs: true,
  notes: [
    'ONNX Runtime keeps shape arithmetic (Shape, Gather, Unsqueeze, ...) on CPU by design; placement is judged by compute ops and kernel time.',
    'WebGPU kernel times in ORT profiles measure mostly host-side work (recording and submitting GPU commands; the GPU runs asynchronously), so the kernel-time share is not a GPU-time share.',
  ],
};

export const ortWebGpuStack: StackDefinition<OrtWebGpuOptions> = {
  name: traits.stack,
  family: 'onnxruntime',
  deviceOutputs: traits.deviceOutputs,
  description: 'ONNX Runtime WebGPU execution provider (Dawn; bundled with onnxruntime-node)',
  probe: () => probeOrtProvider(traits.provider),
  create: (options = {}) => new OrtRunner(traits, options),
};
