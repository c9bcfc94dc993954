/**
 * Agreement metrics between a tensor computed by the stack under test (`actual`) and the same tensor from the
 * reference (`reference`). Each is a factory returning a closure of one signature (Polygraphy's comparator style),
 * so callers can hold a table of them and apply every one to every output.
 */

/** Compares two tensors of the same length; returns one number (see each factory for its meaning). */
export type TensorComparator = (actual: ArrayLike<number>, reference: ArrayLike<number>) => number;

function checkLengths(actual: ArrayLike<number>, reference: ArrayLike<number>, metric: string): void {
  if (actual.length !== reference.length) {
    throw new RangeError(`${metric}: actual has ${actual.length} values, reference has ${reference.length}`);
  }
}

/** Largest |a - b| over the values both sides hold as finite numbers (NaN when none are finite on both sides). */
export function maxAbsError(): TensorComparator {
  return (actual, reference) => {
    checkLengths(actual, reference, 'maxAbsError');
    let max = Number.NaN;
    for (let i = 0; i < actual.length; i++) {
      const d = Math.abs(actual[i]! - reference[i]!);
      if (Number.isFinite(d) && !(d <= max)) max = d;
    }
    return max;
  };
}

/**
 * Relative L2 error `||a - b|| / ||b||`: one number for the whole tensor, robust to single small reference
 * values. A non-finite value in `actual` makes it Infinity (a broken output is never "close"). When the reference
 * is all zeros it is `||a||` (0 when both are zero).
 */
export function relativeL2Error(): TensorComparator {
  return (actual, reference) => {
    checkLengths(actual, reference, 'relativeL2Error');
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i]!;
      const b = reference[i]!;
      if (!Number.isFinite(a)) return Number.POSITIVE_INFINITY;
      diff += (a - b) * (a - b);
      norm += b * b;
    }
    return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
  };
}

/** Options of `maxRelativeError`. */
export interface MaxRelativeErrorOptions {
  /** Added to |b| in the denominator so values near zero do not dominate (default 1e-6). */
  eps?: number;
}

/** Largest elementwise `|a - b| / (|b| + eps)`; Infinity when `actual` holds a non-finite value. */
export function maxRelativeError(options: MaxRelativeErrorOptions = {}): TensorComparator {
  const eps = options.eps ?? 1e-6;
  if (!(eps >= 0)) throw new RangeError(`maxRelativeError: options.eps must be >= 0, got ${eps}`);
  return (actual, reference) => {
    checkLengths(actual, reference, 'maxRelativeError');
    let max = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i]!;
      if (!Number.isFinite(a)) return Number.POSITIVE_INFINITY;
      const r = Math.abs(a - reference[i]!) / (Math.abs(reference[i]!) + eps);
      if (r > max) max = r;
    }
    return max;
  };
}

/**
 * Cosine similarity `a.b / (||a|| ||b||)` in [-1, 1]; NaN when `actual` holds a non-finite value; 1 when both are
 * all zeros, 0 when only one is.
 */
export function cosineSimilarity(): TensorComparator {
  return (actual, reference) => {
    checkLengths(actual, reference, 'cosineSimilarity');
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i]!;
      const b = reference[i]!;
      if (!Number.isFinite(a)) return Number.NaN;
      dot += a * b;
      na += a * a;
      nb += b * b;
    }
    if (na === 0 && nb === 0) return 1;
    if (na === 0 || nb === 0) return 0;
    return dot / Math.sqrt(na * nb);
  };
}

/** Share of values of `actual` that are NaN or infinite, in [0, 1] (0 for an empty tensor). */
export function nonFiniteShare(): TensorComparator {
  return (actual, reference) => {
    checkLengths(actual, reference, 'nonFiniteShare');
    if (actual.length === 0) return 0;
    let bad = 0;
    for (let i = 0; i < actual.length; i++) if (!Number.isFinite(actual[i]!)) bad++;
    return bad / actual.length;
  };
}

/** Options of `maskIou`. */
export interface MaskIouOptions {
  /** A pixel is foreground when its logit is above this (default 0). NaN is background. */
  threshold?: number;
}

/**
 * IoU of the foreground masks `logit > threshold` of both tensors. Two empty masks agree perfectly (1): both
 * stacks say the object is absent.
 */
export function maskIou(options: MaskIouOptions = {}): TensorComparator {
  const t = options.threshold ?? 0;
  return (actual, reference) => {
    checkLengths(actual, reference, 'maskIou');
    let inter = 0;
    let union = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i]! > t;
      const b = reference[i]! > t;
      if (a && b) inter++;
      if (a || b) union++;
    }
    return union === 0 ? 1 : inter / union;
  };
}

/** A box `[x, y, w, h]` in pixels, as the tracking loop reports it (`[0, 0, 0, 0]`: object absent). */
export type PixelBox = readonly [x: number, y: number, w: number, h: number];

/**
 * IoU of two continuous boxes `[x, y, w, h]` (the tracking loop's boxes, corner to corner, not LaSOT's inclusive
 * pixels). A box with w <= 0 or h <= 0 is "absent": two absent boxes agree (1), one absent box scores 0.
 */
export function boxIou(a: PixelBox, b: PixelBox): number {
  const aEmpty = !(a[2] > 0 && a[3] > 0);
  const bEmpty = !(b[2] > 0 && b[3] > 0);
  if (aEmpty || bEmpty) return aEmpty && bEmpty ? 1 : 0;
  const iw = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** The tensor metrics every comparison reports, by name. */
export const TENSOR_METRICS = {
  maxAbsError: maxAbsError(),
  relativeL2Error: relativeL2Error(),
  maxRelativeError: maxRelativeError(),
  cosineSimilarity: cosineSimilarity(),
  nonFiniteShare: nonFiniteShare(),
} as const;

export type TensorMetricName = keyof typeof TENSOR_METRICS;
