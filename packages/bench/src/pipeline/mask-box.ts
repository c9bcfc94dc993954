import { type AxisTable, axisTable, bilinearSample } from './bilinear.js';

/** [x, y, width, height] in pixels; [0,0,0,0] when the mask is empty. */
export type Box = [number, number, number, number];

/** The box of mask > 0 on a [h,w] map, as [xmin, ymin, xmax - xmin, ymax - ymin]; empty -> [0,0,0,0]. */
export function maskToBox(mask: ArrayLike<number>, h: number, w: number): Box {
  let xmin = w;
  let ymin = h;
  let xmax = -1;
  let ymax = -1;
  for (let y = 0; y < h; y += 1) {
    const row = y * w;
    for (let x = 0; x < w; x += 1) {
      if (mask[row + x]! > 0) {
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        ymax = y;
      }
    }
  }
  return xmax < 0 ? [0, 0, 0, 0] : [xmin, ymin, xmax - xmin, ymax - ymin];
}

/** The low-res box scaled to another size: the cheap variant (coordinates scaled, no resampling). */
export function scaleLowResBox(box: Box, inH: number, inW: number, outH: number, outW: number): Box {
  if (box[2] === 0 && box[3] === 0 && box[0] === 0 && box[1] === 0) return [0, 0, 0, 0];
  const sx = outW / inW;
  const sy = outH / inH;
  const x0 = box[0] * sx;
  const y0 = box[1] * sy;
  const x1 = (box[0] + box[2] + 1) * sx - 1;
  const y1 = (box[1] + box[3] + 1) * sy - 1;
  return [x0, y0, x1 - x0, y1 - y0];
}

/**
 * The exact box of `bilinear_resize(logits, outH x outW) > 0` without building the resized mask. A bilinear
 * sample is a non-negative blend of four source values, so it can be positive only next to a positive source
 * value: rows and columns are pruned from the source, and each candidate output row is scanned from both ends
 * only over the columns next to its positive sources. Tables are kept per output size.
 */
export class ResizedMaskBox {
  readonly rows: AxisTable;
  readonly cols: AxisTable;
  /** Per source row: first and last column > 0 (-1 when none). */
  readonly #first: Int32Array;
  readonly #last: Int32Array;
  /** Per source column i: first output x whose right tap >= i, last output x whose left tap <= i. */
  readonly #xFrom: Int32Array;
  readonly #xTo: Int32Array;

  constructor(
    readonly inH: number,
    readonly inW: number,
    readonly outH: number,
    readonly outW: number,
  ) {
    this.rows = axisTable(inH, outH);
    this.cols = axisTable(inW, outW);
    this.#first = new Int32Array(inH);
    this.#last = new Int32Array(inH);
    this.#xFrom = new Int32Array(inW).fill(outW - 1);
    this.#xTo = new Int32Array(inW).fill(0);
    for (let i = 0; i < inW; i += 1) {
      for (let x = 0; x < outW; x += 1) {
        if (this.cols.i1[x]! >= i) {
          this.#xFrom[i] = x;
          break;
        }
      }
      for (let x = outW - 1; x >= 0; x -= 1) {
        if (this.cols.i0[x]! <= i) {
          this.#xTo[i] = x;
          break;
        }
      }
    }
  }

  /** Box of the resized mask > 0 as [xmin, ymin, xmax - xmin, ymax - ymin]; [0,0,0,0] when empty. */
  box(logits: ArrayLike<number>): Box {
    const { inH, inW, outH, rows, cols } = this;
    for (let r = 0; r < inH; r += 1) {
      let first = -1;
      let last = -1;
      const base = r * inW;
      for (let c = 0; c < inW; c += 1) {
        if (logits[base + c]! > 0) {
          if (first < 0) first = c;
          last = c;
        }
      }
      this.#first[r] = first;
      this.#last[r] = last;
    }
    let xmin = Number.POSITIVE_INFINITY;
    let xmax = -1;
    let ymin = -1;
    let ymax = -1;
    for (let y = 0; y < outH; y += 1) {
      const f0 = this.#first[rows.i0[y]!]!;
      const f1 = this.#first[rows.i1[y]!]!;
      if (f0 < 0 && f1 < 0) continue;
      const a = f0 < 0 ? f1 : f1 < 0 ? f0 : Math.min(f0, f1);
      const b = Math.max(this.#last[rows.i0[y]!]!, this.#last[rows.i1[y]!]!);
      const lo = this.#xFrom[a]!;
      const hi = this.#xTo[b]!;
      let left = -1;
      for (let x = lo; x <= hi; x += 1) {
        if (bilinearSample(logits, inW, rows, cols, y, x) > 0) {
          left = x;
          break;
        }
      }
      if (left < 0) continue;
      let right = left;
      for (let x = hi; x > left; x -= 1) {
        if (bilinearSample(logits, inW, rows, cols, y, x) > 0) {
          right = x;
          break;
        }
      }
      if (ymin < 0) ymin = y;
      ymax = y;
      if (left < xmin) xmin = left;
      if (right > xmax) xmax = right;
    }
    return ymin < 0 ? [0, 0, 0, 0] : [xmin, ymin, xmax - xmin, ymax - ymin];
  }
}
