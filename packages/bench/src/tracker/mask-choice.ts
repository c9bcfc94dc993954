import { resizedMaskBox } from './mask-box.js';
import type { MotionChoice, MotionSelector } from './motion-selector.js';

/** Side of the model input the candidate boxes are measured in (SAMURAI uses the image-size masks). */
const MODEL_SIDE = 512;

/** The decoder's candidate masks for one frame. */
export interface MaskCandidates {
  /** [count, height, width] logits. */
  logits: Float32Array;
  count: number;
  height: number;
  width: number;
  /** Predicted IoU per candidate. */
  ious: ArrayLike<number>;
  /** SAMURAI's motion-aware selection, when enabled. */
  selector?: MotionSelector | undefined;
  /** The prompted first frame: only the best-IoU candidate starts the Kalman track. */
  conditioning: boolean;
}

/** Index of the mask to keep: the best predicted IoU, or SAMURAI's choice when a selector is given. */
export function chooseMaskIndex(c: MaskCandidates): number {
  return chooseMaskCandidate(c).index;
}

/**
 * The mask to keep and, with a selector, what its selection said (the Kalman score memory selection reads).
 * Candidate boxes for the selector are SAMURAI's: the extent of each candidate's logits upsampled (bilinear) to
 * the 512-pixel model input, > 0, as inclusive pixel corners [x_min, y_min, x_max, y_max]; [0,0,0,0] when empty.
 */
export function chooseMaskCandidate(c: MaskCandidates): { index: number; motion?: MotionChoice } {
  let best = 0;
  for (let i = 1; i < c.count; i += 1) if (c.ious[i]! > c.ious[best]!) best = i;
  if (!c.selector) return { index: best };
  const plane = c.height * c.width;
  const plan = resizedMaskBox(c.height, c.width, MODEL_SIDE, MODEL_SIDE);
  const candidates = c.conditioning ? [best] : Array.from({ length: c.count }, (_, i) => i);
  const boxes = candidates.map((i): [number, number, number, number] => {
    const [x, y, w, h] = plan.box(c.logits.subarray(i * plane, (i + 1) * plane));
    return [x, y, x + w, y + h];
  });
  const choice = c.selector.select(
    boxes,
    candidates.map((i) => c.ious[i]!),
  );
  return { index: candidates[choice.index]!, motion: choice };
}
