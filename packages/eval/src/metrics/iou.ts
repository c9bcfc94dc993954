/**
 * Overlap and centre distance of two LaSOT boxes, with the inclusive-pixel convention of the official toolkit:
 * a box `[x, y, w, h]` covers pixels x .. x+w-1, so two boxes that share one column overlap by one pixel.
 */

/** Inclusive-pixel IoU of boxes `a` and `b` given as `(x, y, w, h)`. 0/0 (two empty boxes) gives NaN. */
export function inclusiveIou(
  ax: number,
  ay: number,
  aw: number,
  ah: number,
  bx: number,
  by: number,
  bw: number,
  bh: number,
): number {
  const iw = Math.max(0, Math.min(ax + aw - 1, bx + bw - 1) - Math.max(ax, bx) + 1);
  const ih = Math.max(0, Math.min(ay + ah - 1, by + bh - 1) - Math.max(ay, by) + 1);
  const intersection = iw * ih;
  return intersection / (aw * ah + bw * bh - intersection);
}

/** Euclidean distance between the centres `x + (w - 1) / 2` of two boxes, in pixels. */
export function centreError(
  ax: number,
  ay: number,
  aw: number,
  ah: number,
  bx: number,
  by: number,
  bw: number,
  bh: number,
): number {
  return Math.hypot(ax + (aw - 1) / 2 - (bx + (bw - 1) / 2), ay + (ah - 1) / 2 - (by + (bh - 1) / 2));
}

/**
 * Centre distance after dividing both centres by the reference box's width and height (normalized precision):
 * the reference is the ground truth, so the error is in units of the target's size.
 */
export function normalizedCentreError(
  px: number,
  py: number,
  pw: number,
  ph: number,
  gx: number,
  gy: number,
  gw: number,
  gh: number,
): number {
  return Math.hypot(
    (px + (pw - 1) / 2) / gw - (gx + (gw - 1) / 2) / gw,
    (py + (ph - 1) / 2) / gh - (gy + (gh - 1) / 2) / gh,
  );
}
