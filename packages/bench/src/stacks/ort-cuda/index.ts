import { OrtRunner, type OrtRunnerOptions, type OrtStackTraits } from '../ort/ort-runner.js';
import { probeOrtProvider } from '../ort/probe.js';
import type { StackDefinition } from '../stack-definition.js';

/** Options of `ort-cuda`. onnxruntime-node passes only the device id to the CUDA provider. */
export type OrtCudaOptions = Pick<OrtRunnerOptions, 'threads' | 'graphOptimizationLevel' | 'deviceId'>;

const traits: OrtStackTraits = {
  stack: 'ort-cuda',
  provider: {
    backend: 'cuda',
    profileName: 'CUDAExecutionProvider',
    libraries: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
    remedy:
      'Install the CUDA provider binaries: `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` ' +
      '(needs network access, an NVIDIA GPU, CUDA 12 and cuDNN 9 on the library path).',
  },
  deviceOutputs: false,
  notes: ['onnxruntime-node passes no CUDA provider options besides the device id: CUDA provider defaults apply.'],
};

export const ortCudaStack: StackDefinition<OrtCudaOptions> = {
  name: traits.stack,
  family: 'onnxruntime',
  deviceOutputs: traits.deviceOutputs,
  description: 'ONNX Runtime CUDA execution provider (not bundled with onnxruntime-node)',
  probe: () => probeOrtProvider(traits.provider),
  create: (options = {}) => new OrtRunner(traits, options),
};
