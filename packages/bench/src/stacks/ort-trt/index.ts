import { OrtRunner, type OrtRunnerOptions, type OrtStackTraits } from '../ort/ort-runner.js';
import { probeOrtProvider } from '../ort/probe.js';
import type { StackDefinition } from '../stack-definition.js';

/** Options of `ort-trt`. onnxruntime-node passes only the device id to the TensorRT provider. */
export type OrtTrtOptions = Pick<OrtRunnerOptions, 'threads' | 'graphOptimizationLevel' | 'deviceId'>;

/** The caveat every ort-trt result carries. */
export const ORT_TRT_DEFAULTS_NOTE =
  'onnxruntime-node passes no TensorRT provider options (device id only), so ort-trt runs TensorRT defaults: FP32, no FP16, no engine cache.';

const traits: OrtStackTraits = {
  stack: 'ort-trt',
  provider: {
    backend: 'tensorrt',
    profileName: 'TensorrtExecutionProvider',
    libraries: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
    remedy:
      'Install the provider libraries with `bench cuda install` and TensorRT 10 (libnvinfer.so.10) on the library ' +
      'path; for FP16/mixed engines use the trt-* stacks instead.',
  },
  deviceOutputs: false,
  notes: [ORT_TRT_DEFAULTS_NOTE],
};

export const ortTrtStack: StackDefinition<OrtTrtOptions> = {
  name: traits.stack,
  family: 'onnxruntime',
  deviceOutputs: traits.deviceOutputs,
  description: 'ONNX Runtime TensorRT execution provider with TensorRT defaults (FP32)',
  probe: () => probeOrtProvider(traits.provider),
  create: (options = {}) => new OrtRunner(traits, options),
};
