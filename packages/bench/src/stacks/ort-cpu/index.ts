import { defineOrtStack } from '../ort/define-ort-stack.js';
import type { OrtRunnerOptions } from '../ort/ort-runner.js';

/** Options of `ort-cpu`. */
export type OrtCpuOptions = Pick<
  OrtRunnerOptions,
  'threads' | 'graphOptimizationLevel' | 'allowSpinning' | 'stopSpinningAfterRun' | 'crashProbe' | 'crashProbeCacheDir'
>;

export const ortCpuStack = defineOrtStack<OrtCpuOptions>({
  name: 'ort-cpu',
  description: 'ONNX Runtime CPU execution provider (onnxruntime-node)',
  provider: {
    backend: 'cpu',
    profileName: 'CPUExecutionProvider',
    libraries: [],
    remedy: 'Reinstall onnxruntime-node (`node scripts/pnpm.mjs install`); its CPU provider is always bundled.',
  },
  computesFp16InFp32: true,
  computesOnHost: true,
  workerThreads: true,
  deviceOutputs: false,
  notes: [],
  // A native crash in a CPU kernel (seen: FP16 memory_attention of a real export) must not end the CLI.
  crashProbeByDefault: true,
});
