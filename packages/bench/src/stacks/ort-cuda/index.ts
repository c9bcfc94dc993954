import { defineOrtStack } from '../ort/define-ort-stack.js';
import type { OrtRunnerOptions } from '../ort/ort-runner.js';

/**
 * The caveat every ort-cuda result carries. onnxruntime-node 1.30 creates the CUDA provider options with ORT's
 * defaults and sets only `device_id` (js/node/src/session_options_helper.cc), so TF32 math is on for FP32 MatMul
 * and Conv, and CUDA graphs are off; NVIDIA's `NVIDIA_TF32_OVERRIDE=0` environment variable turns TF32 off in
 * cuBLAS and cuDNN for a whole process.
 */
export const ORT_CUDA_DEFAULTS_NOTE =
  'onnxruntime-node passes only the device id to the CUDA provider: its defaults apply (use_tf32=1: FP32 MatMul/Conv run TF32 unless NVIDIA_TF32_OVERRIDE=0; cudnn_conv_algo_search=EXHAUSTIVE; enable_cuda_graph=0).';

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
      'Install the CUDA provider with `bench cuda install` (CUDA 13: a pinned npm package; `--cuda 12`: ONNX ' +
      "Runtime's official build; `--from DIR` offline) on a machine with an NVIDIA driver, with the CUDA runtime, " +
      'cuBLAS and cuDNN 9 on the library path; `bench cuda check` says what is missing.',
  },
  computesFp16InFp32: false,
  computesOnHost: false,
  workerThreads: true,
  deviceOutputs: false,
  notes: [ORT_CUDA_DEFAULTS_NOTE],
});
