/**
 * The installer's self-test: a small model (a MatMul + Softmax for cuBLAS, a Conv for cuDNN) run on the CUDA
 * provider with CPU fallback disabled and on the CPU provider, in a child process per binding, compared. It says
 * what it found: whether the provider started, how far CUDA is from CPU, which CUDA and cuDNN libraries loaded,
 * and what ORT logged when it did not start.
 */
import { SeededRandom } from '@tamkit/common';
import type { LoadedLibrary } from '../stacks/ort/loaded-libraries.js';
import type { OrtLogLevel } from '../stacks/ort/log-level.js';
import { missingLibraries, remedyForMissingLibraries } from '../stacks/ort/ort-log.js';
import { describeProbeFailure, probeProviderInChild } from '../stacks/ort/provider-probe.js';
import type { ProbeInput } from '../stacks/ort/provider-probe-protocol.js';
import type { TinyModel } from '../stacks/ort/tiny-model.js';
import type { OrtBinding } from './bindings.js';

/** scores = Softmax(MatMul(a, b)); features = Conv(x, w). Float32, every node on the provider under test. */
export const SELF_TEST_MODEL: TinyModel = {
  inputs: [
    { name: 'a', elemType: 1, dims: [4, 16] },
    { name: 'b', elemType: 1, dims: [16, 8] },
    { name: 'x', elemType: 1, dims: [1, 2, 8, 8] },
    { name: 'w', elemType: 1, dims: [4, 2, 3, 3] },
  ],
  outputs: [
    { name: 'scores', elemType: 1, dims: [4, 8] },
    { name: 'features', elemType: 1, dims: [1, 4, 6, 6] },
  ],
  nodes: [
    { opType: 'MatMul', inputs: ['a', 'b'], outputs: ['logits'] },
    { opType: 'Softmax', inputs: ['logits'], outputs: ['scores'], intAttributes: { axis: -1 } },
    { opType: 'Conv', inputs: ['x', 'w'], outputs: ['features'] },
  ],
};

/**
 * Largest |CUDA - CPU| accepted, relative to the largest |CPU| value: CUDA's default TF32 math rounds MatMul and
 * Conv inputs to 10 mantissa bits (relative error ~1e-3 over these 16- and 18-term sums).
 */
export const SELF_TEST_TOLERANCE = 1e-2;

function selfTestInputs(): Record<string, ProbeInput> {
  const rng = new SeededRandom(17);
  return Object.fromEntries(
    SELF_TEST_MODEL.inputs.map((v) => {
      const dims = v.dims as number[];
      const size = dims.reduce((a, b) => a * b, 1);
      return [v.name, { dims, data: Array.from({ length: size }, () => rng.uniform(-1, 1)) }];
    }),
  );
}

/** What the self-test found for one binding. */
export interface SelfTestResult {
  bindingDir: string;
  passed: boolean;
  /** max |CUDA - CPU| over the outputs, and max |CPU| (its scale). */
  maxAbsDifference?: number;
  maxAbsReference?: number;
  /** onnxruntime-node's version as the test loaded it. */
  coreOrtVersion?: string;
  /** CUDA, cuDNN and provider libraries the test process had loaded. */
  libraries: LoadedLibrary[];
  /** Why it failed (the thrown error and what ORT logged). */
  error?: string;
  remedy?: string;
}

/** Options of `selfTestBinding`. */
export interface SelfTestOptions {
  /** ORT log level in the test process (default `warning`). */
  logLevel?: OrtLogLevel;
  /** Environment of the test process (default this one's: LD_LIBRARY_PATH decides which CUDA libraries load). */
  env?: NodeJS.ProcessEnv;
}

/** Runs the self-test against one onnxruntime-node binding. Never throws for a failing provider. */
export async function selfTestBinding(binding: OrtBinding, options: SelfTestOptions = {}): Promise<SelfTestResult> {
  const result = await probeProviderInChild({
    ortPackage: binding.packageDir,
    backend: 'cuda',
    model: SELF_TEST_MODEL,
    inputs: selfTestInputs(),
    compareWithCpu: true,
    logLevel: options.logLevel ?? 'warning',
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const base = {
    bindingDir: binding.bindingDir,
    libraries: result.libraries,
    ...(result.ortVersion === undefined ? {} : { coreOrtVersion: result.ortVersion }),
  };
  if (!result.started) {
    const remedy = remedyForMissingLibraries(missingLibraries([...result.ortLog, result.error ?? '']));
    return { ...base, passed: false, error: describeProbeFailure(result), ...(remedy ? { remedy } : {}) };
  }
  const diff = result.maxAbsDifference ?? Number.NaN;
  const scale = Math.max(1, result.maxAbsReference ?? 0);
  const passed = diff <= SELF_TEST_TOLERANCE * scale;
  return {
    ...base,
    passed,
    maxAbsDifference: diff,
    maxAbsReference: result.maxAbsReference ?? 0,
    ...(passed
      ? {}
      : {
          error: `CUDA and CPU outputs differ by ${diff} (scale ${scale}), beyond ${SELF_TEST_TOLERANCE} relative`,
          remedy:
            'The provider runs but computes wrong results: check that its CUDA/cuDNN versions match the libraries loaded.',
        }),
  };
}
