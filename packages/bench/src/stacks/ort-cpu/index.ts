import { OrtRunner, type OrtRunnerOptions, type OrtStackTraits } from '../ort/ort-runner.js';
import { probeOrtProvider } from '../ort/probe.js';
import type { StackDefinition } from '../stack-definition.js';

/** Options of `ort-cpu`. */
export type OrtCpuOptions = Pick<OrtRunnerOptions, 'threads' | 'graphOptimizationLevel' | 'allowSpinning'>;

const traits: OrtStackTraits = {
  stack: 'ort-cpu',
  provider: {
    backend: 'cpu',
    profileName: 'CPUExecutionProvider',
    libraries: [],
    remedy: 'Reinstall onnxruntime-node (`node scripts/pnpm.mjs install`); its CPU provider is always bundled.',
  },
  deviceOutputs: false,
  notes: [],
};

export const ortCpuStack: StackDefinition<OrtCpuOptions> = {
  name: traits.stack,
  family: 'onnxruntime',
  deviceOutputs: traits.deviceOutputs,
  fp16Compute: 'fp32',
  description: 'ONNX Runtime CPU execution provider (onnxruntime-node)',
  probe: () => probeOrtProvider(traits.provider),
  create: (options = {}) => new OrtRunner(traits, options),
};
