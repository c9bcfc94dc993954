/**
 * Bilinear resampling of mask logits with PyTorch's `F.interpolate(mode="bilinear", align_corners=False)`
 * conventions: half-pixel centres, source coordinates below 0 clamped to 0, the last row/column repeated.
 */

/** Source indices and weights of one axis, computed once per size pair. */
export interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

/** The sampling table for resizing an axis of `inSize` samples to `outSize`. */
export function axisTable(inSize: number, outSize: number): AxisTable {
  const table: AxisTable = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float64Array(outSize),
    w1: new Float64Array(outSize),
  };
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o += 1) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lambda = src - i0;
    table.i0[o] = i0;
    table.i1[o] = i0 < inSize - 1 ? i0 + 1 : i0;
    table.w1[o] = lambda;
    table.w0[o] = 1 - lambda;
  }
  return table;
}

/** One output sample, horizontal blends first (PyTorch's order); `ResizedMaskBox` evaluates the same expression. */
export function bilinearSample(
  src: ArrayLike<number>,
  inW: number,
  rows: AxisTable,
  cols: AxisTable,
  y: number,
  x: number,
): number {
  const r0 = rows.i0[y]! * inW;
  const r1 = rows.i1[y]! * inW;
  const c0 = cols.i0[x]!;
  const c1 = cols.i1[x]!;
  const wx0 = cols.w0[x]!;
  const wx1 = cols.w1[x]!;
  return (
    rows.w0[y]! * (wx0 * src[r0 + c0]! + wx1 * src[r0 + c1]!) +
    rows.w1[y]! * (wx0 * src[r1 + c0]! + wx1 * src[r1 + c1]!)
  );
}

/** Sigmoid by table: 1/256 steps over [-16, 16], linear between entries (max error below 3e-7 in 0..1). */
const SIGMOID_RANGE = 16;
const SIGMOID_STEPS = 256;
const SIGMOID_TABLE = Float64Array.from(
  { length: 2 * SIGMOID_RANGE * SIGMOID_STEPS + 2 },
  (_, i) => 1 / (1 + Math.exp(-(i / SIGMOID_STEPS - SIGMOID_RANGE))),
);

/** sigmoid(v) from the table; saturates outside [-16, 16] (sigmoid(16) = 1 - 1.1e-7). */
export function tableSigmoid(v: number): number {
  if (!(v > -SIGMOID_RANGE)) return v > 0 ? 1 : 0; // also maps NaN to 0
  if (v >= SIGMOID_RANGE) return 1;
  const f = (v + SIGMOID_RANGE) * SIGMOID_STEPS;
  const i = f | 0;
  const a = SIGMOID_TABLE[i]!;
  return a + (SIGMOID_TABLE[i + 1]! - a) * (f - i);
}

/**
 * Resizes one [inH,inW] map to [outH,outW] with fixed tables (allocated once). Separable: each output row
 * blends two source rows once, then samples that row, so a 4x upsample costs ~2 multiply-adds per output.
 * `toMaskForMem` fuses the memory encoder's input transform, sigmoid(v) * scale + bias, into the same pass.
 */
export class BilinearResizer {
  readonly rows: AxisTable;
  readonly cols: AxisTable;
  readonly #row: Float64Array;

  constructor(
    readonly inH: number,
    readonly inW: number,
    readonly outH: number,
    readonly outW: number,
  ) {
    this.rows = axisTable(inH, outH);
    this.cols = axisTable(inW, outW);
    this.#row = new Float64Array(inW);
  }

  /** out[y,x] = bilinear(src): the plain resize. */
  resize(src: ArrayLike<number>, out: Float32Array | Float64Array): void {
    this.#run(src, out, 1, 0, false);
  }

  /**
   * out = sigmoid(bilinear(src)) * scale + bias: the memory encoder's `mask_for_mem` from low-res logits. The
   * sigmoid comes from a table (`tableSigmoid`): within 6e-6 of Math.exp's for scale 20.
   */
  toMaskForMem(src: ArrayLike<number>, out: Float32Array, scale: number, bias: number): void {
    this.#run(src, out, scale, bias, true);
  }

  #run(src: ArrayLike<number>, out: Float32Array | Float64Array, scale: number, bias: number, sigmoid: boolean): void {
    const { inH, inW, outH, outW, rows, cols } = this;
    if (src.length < inH * inW) throw new RangeError(`src needs ${inH}x${inW} values, got ${src.length}`);
    if (out.length < outH * outW) throw new RangeError(`out needs ${outH}x${outW} values, got ${out.length}`);
    const row = this.#row;
    const { i0: c0, i1: c1, w0: cw0, w1: cw1 } = cols;
    for (let y = 0; y < outH; y += 1) {
      const r0 = rows.i0[y]! * inW;
      const r1 = rows.i1[y]! * inW;
      const wy0 = rows.w0[y]!;
      const wy1 = rows.w1[y]!;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let x = 0; x < inW; x += 1) {
        const v = wy0 * src[r0 + x]! + wy1 * src[r1 + x]!;
        row[x] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const base = y * outW;
      // Every output of this row blends values of `row`, so a row entirely past the table's saturation (with a
      // margin for rounding in the blend) gives the same constant as sampling would: fill it directly.
      if (sigmoid && (hi <= -SIGMOID_RANGE - 1 || lo >= SIGMOID_RANGE + 1)) {
        out.fill(scale * tableSigmoid(hi) + bias, base, base + outW);
        continue;
      }
      if (sigmoid) {
        for (let x = 0; x < outW; x += 1) {
          out[base + x] = scale * tableSigmoid(cw0[x]! * row[c0[x]!]! + cw1[x]! * row[c1[x]!]!) + bias;
        }
      } else {
        for (let x = 0; x < outW; x += 1) out[base + x] = cw0[x]! * row[c0[x]!]! + cw1[x]! * row[c1[x]!]!;
      }
    }
  }
}
