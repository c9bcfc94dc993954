import { defineOrtStack } from '../ort/define-ort-stack.js';
import type { OrtRunnerOptions } from '../ort/ort-runner.js';

/** Options of `ort-cuda`. onnxruntime-node passes only the device id to the CUDA provider. */
export type OrtCudaOptions = Pick<OrtRunnerOptions, 'threads' | 'graphOptimizationLevel' | 'deviceId'>;

export const ortCudaStack = defineOrtStack<OrtCudaOptions>({
  name: 'ort-cuda',
  description: 'ONNX Runtime CUDA execution provider (not bundled with onnxruntime-node)',
  provider: {
    backend: 'cuda',
    profileName: 'CUDAExecutionProvider',
    libraries: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
    remedy:
      'Install the CUDA provider binaries: `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` ' +
      '(needs network access, an NVIDIA GPU, CUDA 12 and cuDNN 9 on the library path).',
  },
  computesFp16InFp32: false,
  deviceOutputs: false,
  notes: ['onnxruntime-node passes no CUDA provider options besides the device id: CUDA provider defaults apply.'],
});
