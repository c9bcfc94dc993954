import type { ChannelAffine, RawImage } from '../normalize.js';
import { BILINEAR_WASM_BASE64 } from './bilinear-wasm-binary.js';

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Kernels {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  resampleRow(row: number, channels: number, xoff: number, xw: number, width: number, dst: number): void;
  blendRows(a: number, b: number, out: number, count: number, fy: number, plane: number, affine: number): void;
  resize(
    src: number,
    rowBytes: number,
    channels: number,
    xoff: number,
    xw: number,
    width: number,
    height: number,
    ytab: number,
    rowA: number,
    rowB: number,
    out: number,
    affine: number,
  ): void;
}

/** Fixed-point scale of the horizontal weights (Q14): each output pixel's two weights sum to this. */
const WEIGHT_ONE = 1 << 14;

/**
 * Largest deviation of the SIMD kernels from exact bilinear interpolation, in grey levels (0-255 scale), from
 * rounding the horizontal weights to Q14: each weight is off by at most 2^-15 and the two always sum to one, so
 * a value moves by at most |right - left| * 2^-15 <= 255 * 2^-15 (about 0.008 levels); the vertical blend is a
 * convex combination and cannot enlarge it. Float32 rounding adds about 1e-5 levels.
 */
export const SIMD_MAX_LEVEL_ERROR = 255 / (2 * WEIGHT_ONE);

let compiled: object | null | undefined;

/** The compiled kernels, or null where this runtime lacks WebAssembly SIMD (checked once). */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(BILINEAR_WASM_BASE64, 'base64');
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

/** Whether `SimdBilinearPlan` can serve a resize from `src` to `dstWidth` x `dstHeight` here. */
export function simdResizeSupported(src: { width: number; height: number }, dstWidth: number): boolean {
  return kernelModule() !== null && dstWidth % 4 === 0 && src.width >= 2;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Byte offsets of the plan's areas in its WebAssembly memory. */
interface Layout {
  /** i32 byte offset of each output column's left source pixel within a row. */
  xoff: number;
  /** Per group of four output columns, eight i16 Q14 weights (left, right of each column). */
  xw: number;
  /** Per output row, 16 bytes: upper and lower source row (i32), the lower row's weight (f32), padding. */
  ytab: number;
  /** f32 scale[0..2] (with the 1/16384 of the weights folded in), then f32 offset[0..2] at +16. */
  affine: number;
  /** Two planar rows of horizontally resampled values (R, G, B; dstWidth f32 each). */
  rowA: number;
  rowB: number;
  /** The output tensor [1,3,dstHeight,dstWidth]. */
  out: number;
  /** The source frame, followed by spare bytes (the horizontal kernel reads 8 bytes per pixel). */
  src: number;
  total: number;
}

function layoutFor(src: { width: number; height: number; channels: number }, dstWidth: number, dstHeight: number) {
  const rowBytes = 3 * dstWidth * 4;
  const xoff = 0;
  const xw = align16(dstWidth * 4);
  const ytab = align16(xw + dstWidth * 4);
  const affine = ytab + 16 * dstHeight;
  const rowA = affine + 32;
  const rowB = align16(rowA + rowBytes);
  const out = align16(rowB + rowBytes);
  const srcStart = align16(out + rowBytes * dstHeight);
  const total = srcStart + align16(src.width * src.height * src.channels + 16);
  return { xoff, xw, ytab, affine, rowA, rowB, out, src: srcStart, total } satisfies Layout;
}

/**
 * The same resampling as `BilinearPlan` (half-pixel centres, clamped edges, no antialiasing) computed with
 * WebAssembly SIMD kernels: a horizontal pass per needed source row into two cached planar row buffers (fixed
 * point, four output pixels per step), then a vertical blend fused with the normalisation per output row, in
 * float32. Owns a WebAssembly memory sized once for its frame size (source, tables, output tensor) that never
 * grows afterwards, so the `source` and `output` views stay valid for the plan's lifetime; allocates nothing
 * per frame. Results are within `SIMD_MAX_LEVEL_ERROR` grey levels of exact bilinear interpolation.
 */
export class SimdBilinearPlan {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly channels: number;
  readonly dstWidth: number;
  readonly dstHeight: number;
  /**
   * The output tensor [1,3,dstHeight,dstWidth] inside the plan's memory: every `resizeToChw` writes it (and then
   * copies it into `out` unless `out` is this view). Valid for the plan's lifetime; each frame overwrites it.
   */
  readonly output: Float32Array;
  /**
   * The source area inside the plan's memory (srcWidth x srcHeight x channels bytes). A producer that writes a
   * frame here and passes this view to `resizeToChw` saves the copy of the frame into the plan's memory.
   */
  readonly source: Uint8Array;
  private readonly kernels: Kernels;
  private readonly bytes: Uint8Array;
  private readonly affineView: Float32Array;
  private readonly layout: Layout;

  constructor(src: { width: number; height: number; channels: number }, dstWidth: number, dstHeight: number) {
    const module = kernelModule();
    if (!module || !simdResizeSupported(src, dstWidth)) {
      throw new RangeError('SimdBilinearPlan needs WebAssembly SIMD, a source width >= 2 and a width divisible by 4');
    }
    this.srcWidth = src.width;
    this.srcHeight = src.height;
    this.channels = src.channels;
    this.dstWidth = dstWidth;
    this.dstHeight = dstHeight;
    const layout = layoutFor(src, dstWidth, dstHeight);
    this.layout = layout;

    const instance = new wasmApi!.Instance(module);
    this.kernels = instance.exports as unknown as Kernels;
    const memory = this.kernels.memory;
    // The only growth: views taken below stay attached because the memory never grows again.
    const pages = Math.ceil(layout.total / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    const buffer = memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.affineView = new Float32Array(buffer, layout.affine, 8);
    this.output = new Float32Array(buffer, layout.out, 3 * dstWidth * dstHeight);
    this.source = new Uint8Array(buffer, layout.src, src.width * src.height * src.channels);

    // x table: left pixel kept <= width - 2 so that the right pixel is always left + channels (weight 1 at the
    // right edge). Weights in Q14, rounded so that each pair sums to exactly 16384.
    const offsets = new Int32Array(buffer, layout.xoff, dstWidth);
    const weights = new Int16Array(buffer, layout.xw, 2 * dstWidth);
    const ratio = src.width / dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      const source = Math.min(Math.max((x + 0.5) * ratio - 0.5, 0), src.width - 1);
      const left = Math.min(Math.floor(source), src.width - 2);
      const right = Math.round((source - left) * WEIGHT_ONE);
      offsets[x] = left * src.channels;
      weights[2 * x] = WEIGHT_ONE - right;
      weights[2 * x + 1] = right;
    }
    const rows = new Int32Array(buffer, layout.ytab, 4 * dstHeight);
    const rowWeights = new Float32Array(buffer, layout.ytab, 4 * dstHeight);
    const yRatio = src.height / dstHeight;
    for (let y = 0; y < dstHeight; y++) {
      const source = Math.min(Math.max((y + 0.5) * yRatio - 0.5, 0), src.height - 1);
      const upper = Math.floor(source);
      rows[4 * y] = upper;
      rows[4 * y + 1] = Math.min(upper + 1, src.height - 1);
      rowWeights[4 * y + 2] = source - upper;
    }
  }

  /** Whether this plan was built for images of this size and layout. */
  fits(image: Omit<RawImage, 'data'>): boolean {
    return image.width === this.srcWidth && image.height === this.srcHeight && image.channels === this.channels;
  }

  /** Whether `data` is this plan's `source` view (or one of the same place and length): no copy needed. */
  isSource(data: Uint8Array | Uint8ClampedArray): boolean {
    return (
      data.buffer === this.source.buffer &&
      data.byteOffset === this.source.byteOffset &&
      data.length === this.source.length
    );
  }

  /**
   * Resizes and normalises `src` into the planar float32 tensor `out` [1,3,dstHeight,dstWidth]. Pass `output`
   * as `out` to skip the copy out of the plan's memory, and `source` (filled) as `src` to skip the copy in.
   */
  resizeToChw(src: Uint8Array | Uint8ClampedArray, out: Float32Array, affine: ChannelAffine): void {
    const { dstWidth, dstHeight, channels } = this;
    const layout = this.layout;
    if (out.length !== this.output.length) {
      throw new RangeError(
        `out must hold ${this.output.length} floats ([1,3,${dstHeight},${dstWidth}]), got ${out.length}`,
      );
    }
    if (src.length !== this.source.length) {
      throw new RangeError(`src must hold ${this.srcWidth}x${this.srcHeight}x${channels} bytes, got ${src.length}`);
    }
    const params = this.affineView;
    for (let c = 0; c < 3; c++) {
      params[c] = affine.scale[c as 0 | 1 | 2] / WEIGHT_ONE;
      params[4 + c] = affine.offset[c as 0 | 1 | 2];
    }
    if (!this.isSource(src)) this.bytes.set(src, layout.src);
    this.kernels.resize(
      layout.src,
      this.srcWidth * channels,
      channels,
      layout.xoff,
      layout.xw,
      dstWidth,
      dstHeight,
      layout.ytab,
      layout.rowA,
      layout.rowB,
      layout.out,
      layout.affine,
    );
    if (out !== this.output) out.set(this.output);
  }
}
