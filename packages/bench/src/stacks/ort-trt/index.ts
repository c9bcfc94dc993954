import { defineOrtStack } from '../ort/define-ort-stack.js';
import type { OrtRunnerOptions } from '../ort/ort-runner.js';

/** Options of `ort-trt`. onnxruntime-node passes only the device id to the TensorRT provider. */
export type OrtTrtOptions = Pick<OrtRunnerOptions, 'threads' | 'graphOptimizationLevel' | 'deviceId'>;

/** The caveat every ort-trt result carries. */
export const ORT_TRT_DEFAULTS_NOTE =
  'onnxruntime-node passes no TensorRT provider options (device id only), so ort-trt runs TensorRT defaults: FP32, no FP16, no engine cache.';

export const ortTrtStack = defineOrtStack<OrtTrtOptions>({
  name: 'ort-trt',
  description: 'ONNX Runtime TensorRT execution provider with TensorRT defaults (FP32)',
  provider: {
    backend: 'tensorrt',
    profileName: 'TensorrtExecutionProvider',
    libraries: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
    remedy:
      'Install the provider libraries with `bench cuda install` and TensorRT 10 (libnvinfer.so.10) on the library ' +
      'path; for FP16/mixed engines use the trt-* stacks instead.',
  },
  computesFp16InFp32: false,
  computesOnHost: false,
  workerThreads: false,
  deviceOutputs: false,
  notes: [ORT_TRT_DEFAULTS_NOTE],
});
