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

/** One output sample; every caller uses this expression so thresholds agree bit for bit. */
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

/**
 * Resizes one [inH,inW] map to [outH,outW] with fixed tables (allocated once). `toMaskForMem` fuses the memory
 * encoder's input transform, sigmoid(v) * scale + bias, into the same pass.
 */
export class BilinearResizer {
  readonly rows: AxisTable;
  readonly cols: AxisTable;

  constructor(
    readonly inH: number,
    readonly inW: number,
    readonly outH: number,
    readonly outW: number,
  ) {
    this.rows = axisTable(inH, outH);
    this.cols = axisTable(inW, outW);
  }

  /** out[y,x] = bilinear(src) — the plain upsample. */
  resize(src: ArrayLike<number>, out: Float32Array | Float64Array): void {
    this.#check(src, out);
    for (let y = 0; y < this.outH; y += 1) {
      const row = y * this.outW;
      for (let x = 0; x < this.outW; x += 1) out[row + x] = bilinearSample(src, this.inW, this.rows, this.cols, y, x);
    }
  }

  /** out = sigmoid(bilinear(src)) * scale + bias: the memory encoder's `mask_for_mem` from low-res logits. */
  toMaskForMem(src: ArrayLike<number>, out: Float32Array, scale: number, bias: number): void {
    this.#check(src, out);
    for (let y = 0; y < this.outH; y += 1) {
      const row = y * this.outW;
      for (let x = 0; x < this.outW; x += 1) {
        const v = bilinearSample(src, this.inW, this.rows, this.cols, y, x);
        out[row + x] = scale / (1 + Math.exp(-v)) + bias;
      }
    }
  }

  #check(src: ArrayLike<number>, out: ArrayLike<number>): void {
    if (src.length < this.inH * this.inW)
      throw new RangeError(`src needs ${this.inH}x${this.inW} values, got ${src.length}`);
    if (out.length < this.outH * this.outW) {
      throw new RangeError(`out needs ${this.outH}x${this.outW} values, got ${out.length}`);
    }
  }
}
