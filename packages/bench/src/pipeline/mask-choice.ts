import { maskToBox } from './mask-box.js';
import type { MotionChoice, MotionSelector } from './motion-selector.js';

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
 * Candidate boxes for the selector come from the low-res logits (> 0) scaled to the 512-pixel model space (4x for
 * 128x128).
 */
export function chooseMaskCandidate(c: MaskCandidates): { index: number; motion?: MotionChoice } {
  let best = 0;
  for (let i = 1; i < c.count; i += 1) if (c.ious[i]! > c.ious[best]!) best = i;
  if (!c.selector) return { index: best };
  const plane = c.height * c.width;
  const scale = 512 / c.width;
  const candidates = c.conditioning ? [best] : Array.from({ length: c.count }, (_, i) => i);
  const boxes = candidates.map((i) => {
    const b = maskToBox(c.logits.subarray(i * plane, (i + 1) * plane), c.height, c.width);
    return [b[0] * scale, b[1] * scale, (b[0] + b[2]) * scale, (b[1] + b[3]) * scale] as [
      number,
      number,
      number,
      number,
    ];
  });
  const choice = c.selector.select(
    boxes,
    candidates.map((i) => c.ious[i]!),
  );
  return { index: candidates[choice.index]!, motion: choice };
}
