/**
 * The thresholds of the three LaSOT curves. Each is built as `i / divisor` so every threshold is the double
 * nearest its decimal value (0.35, not 7 * 0.05 = 0.35000000000000003); a score exactly on a threshold then
 * compares the same way as in the decimal definition.
 */
function thresholds(count: number, divisor: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => i / divisor);
}

/** Overlap thresholds of the success curve: 0, 0.05, ..., 1 (21 points). Success means IoU > threshold. */
export const OVERLAP_THRESHOLDS = thresholds(21, 20);
/** Centre-error thresholds of the precision curve: 0, 1, ..., 50 px. Success means error <= threshold. */
export const PRECISION_THRESHOLDS = thresholds(51, 1);
/** Thresholds of the normalized precision curve: 0, 0.01, ..., 0.5. Success means error <= threshold. */
export const NORMALIZED_PRECISION_THRESHOLDS = thresholds(51, 100);

/** Index of the reported precision value (20 px) in `PRECISION_THRESHOLDS`. */
export const PRECISION_REPORT_INDEX = 20;
/** Index of the reported normalized precision value (0.20) in `NORMALIZED_PRECISION_THRESHOLDS`. */
export const NORMALIZED_PRECISION_REPORT_INDEX = 20;
