/**
 * Which evaluator's rules to follow. The two agree on clean data and differ on the corner cases:
 *
 * | case | `lasot` (official MATLAB toolkit) | `pytracking` |
 * |---|---|---|
 * | prediction NaN, or w <= 0 / h <= 0 (frames 2..n) | replaced by the previous prediction | NaN or w, h < 0: error; w or h == 0: previous prediction |
 * | ground truth valid when | all four values > 0 | w > 0 and h > 0 and the target is visible |
 * | absent frames (full occlusion or out of view) | removed, so they count as failures | IoU and both centre errors fail |
 * | invalid ground truth, target present | IoU fails; centre error -1, i.e. a precision success | IoU and centre error fail; normalized centre error -1 (a success) |
 * | NaN in ground truth | frame invalid | error |
 * | prediction longer than ground truth | truncated | truncated |
 * | prediction shorter than ground truth | error (the toolkit indexes past the end) | error |
 * | sequences averaged | those whose curve is not all zero, per curve | all |
 *
 * Both replace frame 1 by the ground truth and divide by all frames of the ground truth.
 */
export type Convention = 'lasot' | 'pytracking';

export const CONVENTIONS: readonly Convention[] = ['lasot', 'pytracking'];
