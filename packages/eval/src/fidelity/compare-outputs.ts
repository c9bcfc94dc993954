/** Per-output comparison of one module's outputs on the stack under test against the reference. */
import { maskIou, TENSOR_METRICS, type TensorMetricName } from './metrics.js';

/** A host tensor as eval compares it: float values (FP16 already widened) and dims. */
export interface HostTensor {
  dims: readonly number[];
  data: Float32Array;
}

/** Agreement of one output. Every field is JSON-serialisable (non-finite numbers become null in JSON). */
export interface OutputFidelity {
  output: string;
  dims: number[];
  maxAbsError: number;
  /** `||a - b|| / ||b||`. */
  relativeL2Error: number;
  /** max `|a - b| / (|b| + 1e-6)`. */
  maxRelativeError: number;
  cosineSimilarity: number;
  /** Share of NaN / Inf values in the tested output. */
  nonFiniteShare: number;
  /** Mask IoU at logits > 0, for mask-logit outputs only. */
  maskIou?: number;
}

/** Options of `compareOutputs`. */
export interface CompareOutputsOptions {
  /**
   * Outputs holding mask logits, scored also by mask IoU at logits > 0. Default: outputs of rank 4 whose name
   * contains "mask" but not "mem" (`low_res_masks` yes, `maskmem_features` no).
   */
  maskOutputs?: readonly string[];
}

/** Default guess of mask-logit outputs (see `CompareOutputsOptions.maskOutputs`). */
export function looksLikeMaskLogits(name: string, dims: readonly number[]): boolean {
  const n = name.toLowerCase();
  return dims.length === 4 && n.includes('mask') && !n.includes('mem');
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Compares every reference output with the output of the same name. An output missing on the tested side or
 * with other dims is an error: the two stacks did not run the same model.
 */
export function compareOutputs(
  actual: Readonly<Record<string, HostTensor>>,
  reference: Readonly<Record<string, HostTensor>>,
  options: CompareOutputsOptions = {},
): OutputFidelity[] {
  const mask = maskIou();
  return Object.entries(reference).map(([name, ref]) => {
    const got = actual[name];
    if (!got) throw new RangeError(`compareOutputs: output "${name}" is missing from the tested outputs`);
    if (!sameDims(got.dims, ref.dims)) {
      throw new RangeError(
        `compareOutputs: output "${name}" has dims [${got.dims.join(',')}], the reference [${ref.dims.join(',')}]`,
      );
    }
    const record: OutputFidelity = { output: name, dims: [...ref.dims] } as OutputFidelity;
    for (const [metric, fn] of Object.entries(TENSOR_METRICS) as [
      TensorMetricName,
      (a: Float32Array, b: Float32Array) => number,
    ][]) {
      record[metric] = fn(got.data, ref.data);
    }
    const isMask = options.maskOutputs ? options.maskOutputs.includes(name) : looksLikeMaskLogits(name, ref.dims);
    if (isMask) record.maskIou = mask(got.data, ref.data);
    return record;
  });
}

/** Tolerance a module's outputs must meet. */
export interface Tolerance {
  /** Largest relative L2 error of any output (default 0.01). */
  relativeL2?: number;
  /** Smallest cosine similarity of any output (default none). */
  minCosine?: number;
}

/** Default tolerance: 1 % relative L2 error on every output and no NaN / Inf. */
export const DEFAULT_TOLERANCE: Required<Pick<Tolerance, 'relativeL2'>> = { relativeL2: 0.01 };

/**
 * Whether outputs meet the tolerance: no non-finite values, relative L2 error at most `relativeL2`, cosine at
 * least `minCosine` when given. Returns the worst relative L2 error too, as the search's score.
 */
export function meetsTolerance(
  outputs: readonly OutputFidelity[],
  tolerance: Tolerance = {},
): { ok: boolean; worstRelativeL2: number; worstOutput: string | undefined } {
  const limit = tolerance.relativeL2 ?? DEFAULT_TOLERANCE.relativeL2;
  let worst = 0;
  let worstOutput: string | undefined;
  let ok = true;
  for (const o of outputs) {
    const err = Number.isNaN(o.relativeL2Error) ? Number.POSITIVE_INFINITY : o.relativeL2Error;
    if (worstOutput === undefined || err > worst) {
      worst = err;
      worstOutput = o.output;
    }
    if (o.nonFiniteShare > 0 || !(err <= limit)) ok = false;
    if (tolerance.minCosine !== undefined && !(o.cosineSimilarity >= tolerance.minCosine)) ok = false;
  }
  return { ok, worstRelativeL2: worst, worstOutput };
}
