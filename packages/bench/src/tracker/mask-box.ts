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
 * sample is a non-negative blend of four logits, so it can be positive only where one of its taps is: output
 * rows and columns whose taps hold no positive logit are skipped outright. The box's four sides are then found
 * by scanning from the outside in (top and bottom rows, then left and right columns between them), each scan
 * stopping at its first positive sample, so a frame-filling mask and a small blob both cost a few thousand
 * samples. Samples use `bilinearSample`, so thresholds agree bit for bit with a full resize.
 */
export class ResizedMaskBox {
  readonly rows: AxisTable;
  readonly cols: AxisTable;
  /** Per source row / column: whether it holds a logit > 0 (for the current mask). */
  readonly #rowPositive: Uint8Array;
  readonly #colPositive: Uint8Array;

  constructor(
    readonly inH: number,
    readonly inW: number,
    readonly outH: number,
    readonly outW: number,
  ) {
    this.rows = axisTable(inH, outH);
    this.cols = axisTable(inW, outW);
    this.#rowPositive = new Uint8Array(inH);
    this.#colPositive = new Uint8Array(inW);
  }

  /** Box of the resized mask > 0 as [xmin, ymin, xmax - xmin, ymax - ymin]; [0,0,0,0] when empty. */
  box(logits: ArrayLike<number>): Box {
    const { inH, inW, outH, outW, rows, cols } = this;
    const rowPositive = this.#rowPositive.fill(0);
    const colPositive = this.#colPositive.fill(0);
    for (let r = 0; r < inH; r += 1) {
      const base = r * inW;
      for (let c = 0; c < inW; c += 1) {
        if (logits[base + c]! > 0) {
          rowPositive[r] = 1;
          colPositive[c] = 1;
        }
      }
    }
    const rowMay = (y: number) => rowPositive[rows.i0[y]!] === 1 || rowPositive[rows.i1[y]!] === 1;
    const colMay = (x: number) => colPositive[cols.i0[x]!] === 1 || colPositive[cols.i1[x]!] === 1;
    const positive = (y: number, x: number) => bilinearSample(logits, inW, rows, cols, y, x) > 0;
    const rowHas = (y: number) => {
      if (!rowMay(y)) return false;
      for (let x = 0; x < outW; x += 1) if (colMay(x) && positive(y, x)) return true;
      return false;
    };
    let ymin = 0;
    while (ymin < outH && !rowHas(ymin)) ymin += 1;
    if (ymin === outH) return [0, 0, 0, 0];
    let ymax = outH - 1;
    while (ymax > ymin && !rowHas(ymax)) ymax -= 1;
    const colHas = (x: number) => {
      if (!colMay(x)) return false;
      for (let y = ymin; y <= ymax; y += 1) if (rowMay(y) && positive(y, x)) return true;
      return false;
    };
    let xmin = 0;
    while (!colHas(xmin)) xmin += 1; // ends: row ymin holds a positive sample
    let xmax = outW - 1;
    while (xmax > xmin && !colHas(xmax)) xmax -= 1;
    return [xmin, ymin, xmax - xmin, ymax - ymin];
  }
}

const plans = new Map<string, ResizedMaskBox>();

/** The `ResizedMaskBox` for one size pair, built once per process (its tables depend on the sizes only). */
export function resizedMaskBox(inH: number, inW: number, outH: number, outW: number): ResizedMaskBox {
  const key = `${inH}x${inW}->${outH}x${outW}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new ResizedMaskBox(inH, inW, outH, outW);
    plans.set(key, plan);
  }
  return plan;
}
