import type { StackDefinition } from '../stack-definition.js';
import { OrtRunner, type OrtRunnerOptions, type OrtStackSpec } from './ort-runner.js';
import { probeOrtProvider } from './probe.js';

/**
 * A stack on one ONNX Runtime execution provider: an `OrtRunner` with the spec's provider, traits and notes.
 * `Options` is the subset of `OrtRunnerOptions` the provider honours (a type only: the runner checks values).
 */
export function defineOrtStack<Options extends OrtRunnerOptions>(spec: OrtStackSpec): StackDefinition<Options> {
  return {
    name: spec.name,
    family: 'onnxruntime',
    deviceOutputs: spec.deviceOutputs,
    computesFp16InFp32: spec.computesFp16InFp32,
    computesOnHost: spec.computesOnHost,
    workerThreads: spec.workerThreads,
    description: spec.description,
    probe: () => probeOrtProvider(spec.provider),
    create: (options = {} as Options) => new OrtRunner(spec, options),
    createWith: (settings) =>
      new OrtRunner(spec, {
        ...(settings.threads === undefined ? {} : { threads: settings.threads }),
        ...(settings.graphOptimization === undefined ? {} : { graphOptimizationLevel: settings.graphOptimization }),
        ...(settings.allowSpinning === undefined ? {} : { allowSpinning: settings.allowSpinning }),
        ...(settings.stopSpinningAfterRun === undefined ? {} : { stopSpinningAfterRun: settings.stopSpinningAfterRun }),
        ...(settings.deviceOutputs && spec.deviceOutputs ? { outputLocation: 'gpu-buffer' } : {}),
        ...(settings.plan === undefined ? {} : { plan: settings.plan }),
        ...(settings.crashProbe === undefined ? {} : { crashProbe: settings.crashProbe }),
        ...(settings.specialize === undefined ? {} : { specialize: settings.specialize }),
        ...(settings.edits === undefined ? {} : { edits: settings.edits }),
        ...(settings.freeDimensionOverrides === undefined
          ? {}
          : { freeDimensionOverrides: settings.freeDimensionOverrides }),
      }),
  };
}
