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
  resampleRow(
    row: number,
    channels: number,
    xoff: number,
    xw: number,
    width: number,
    dst: number,
    affine: number,
  ): void;
  blendRows(a: number, b: number, out: number, count: number, fy: number, plane: number): void;
}

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

/**
 * The same resampling as `BilinearPlan` (half-pixel centres, clamped edges, no antialiasing) computed with
 * WebAssembly SIMD kernels: a horizontal pass per needed source row into two cached planar row buffers, then a
 * 4-wide vertical blend per output row. Owns a WebAssembly memory sized once for its frame size (source copy,
 * tables, output); each frame copies the source in and the tensor out (about 0.1 ms for 1280x720 -> 512x512),
 * and allocates nothing. Computes in float32 (the JS plan in float64): results differ by float rounding.
 */
export class SimdBilinearPlan {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly channels: number;
  readonly dstWidth: number;
  readonly dstHeight: number;
  private readonly kernels: Kernels;
  private readonly bytes: Uint8Array;
  private readonly affineView: Float32Array;
  private readonly outView: Float32Array;
  private readonly top: Int32Array;
  private readonly bottom: Int32Array;
  private readonly wy: Float64Array;
  private readonly layout: {
    xoff: number;
    xw: number;
    affine: number;
    rowA: number;
    rowB: number;
    out: number;
    src: number;
  };

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
    const rowFloats = 3 * dstWidth;
    const xoff = 0;
    const xw = align16(dstWidth * 4);
    const affine = align16(xw + dstWidth * 4);
    const rowA = affine + 32;
    const rowB = align16(rowA + rowFloats * 4);
    const out = align16(rowB + rowFloats * 4);
    const srcStart = align16(out + rowFloats * dstHeight * 4);
    // Spare bytes after the source: the kernel reads 8 bytes per pixel.
    const total = srcStart + align16(src.width * src.height * src.channels + 16);
    this.layout = { xoff, xw, affine, rowA, rowB, out, src: srcStart };

    const instance = new wasmApi!.Instance(module);
    this.kernels = instance.exports as unknown as Kernels;
    const memory = this.kernels.memory;
    const pages = Math.ceil(total / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    this.bytes = new Uint8Array(memory.buffer);
    this.affineView = new Float32Array(memory.buffer, affine, 8);
    this.outView = new Float32Array(memory.buffer, out, rowFloats * dstHeight);

    // x table: left pixel offset kept <= width - 2 so that the right pixel is always left + channels.
    const offsets = new Int32Array(memory.buffer, xoff, dstWidth);
    const weights = new Float32Array(memory.buffer, xw, dstWidth);
    const ratio = src.width / dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      const source = Math.min(Math.max((x + 0.5) * ratio - 0.5, 0), src.width - 1);
      const left = Math.min(Math.floor(source), src.width - 2);
      offsets[x] = left * src.channels;
      weights[x] = source - left;
    }
    this.top = new Int32Array(dstHeight);
    this.bottom = new Int32Array(dstHeight);
    this.wy = new Float64Array(dstHeight);
    const yRatio = src.height / dstHeight;
    for (let y = 0; y < dstHeight; y++) {
      const source = Math.min(Math.max((y + 0.5) * yRatio - 0.5, 0), src.height - 1);
      const upper = Math.floor(source);
      this.top[y] = upper;
      this.bottom[y] = Math.min(upper + 1, src.height - 1);
      this.wy[y] = source - upper;
    }
  }

  /** Whether this plan was built for images of this size and layout. */
  fits(image: RawImage): boolean {
    return image.width === this.srcWidth && image.height === this.srcHeight && image.channels === this.channels;
  }

  /** Resizes and normalises `src` into the planar float32 tensor `out` [1,3,dstHeight,dstWidth]. */
  resizeToChw(src: Uint8Array | Uint8ClampedArray, out: Float32Array, affine: ChannelAffine): void {
    const { kernels, top, bottom, wy, dstWidth, dstHeight, channels } = this;
    const layout = this.layout;
    if (out.length !== this.outView.length) {
      throw new RangeError(
        `out must hold ${this.outView.length} floats ([1,3,${dstHeight},${dstWidth}]), got ${out.length}`,
      );
    }
    if (src.length !== this.srcWidth * this.srcHeight * channels) {
      throw new RangeError(`src must hold ${this.srcWidth}x${this.srcHeight}x${channels} bytes, got ${src.length}`);
    }
    const params = this.affineView;
    for (let c = 0; c < 3; c++) {
      params[c] = affine.scale[c as 0 | 1 | 2];
      params[4 + c] = affine.offset[c as 0 | 1 | 2];
    }
    this.bytes.set(src, layout.src);
    const rowBytes = this.srcWidth * channels;
    const planeBytes = dstWidth * dstHeight * 4;
    let upper = layout.rowA;
    let lower = layout.rowB;
    let upperRow = -1;
    let lowerRow = -1;
    const resample = kernels.resampleRow;
    for (let y = 0; y < dstHeight; y++) {
      const t = top[y]!;
      const b = bottom[y]!;
      if (upperRow !== t) {
        if (lowerRow === t) {
          // Moving down by one source row: the buffered lower row becomes the upper one.
          const swap = upper;
          upper = lower;
          lower = swap;
          upperRow = t;
          lowerRow = -1;
        } else {
          resample(layout.src + t * rowBytes, channels, layout.xoff, layout.xw, dstWidth, upper, layout.affine);
          upperRow = t;
        }
      }
      if (b !== t && lowerRow !== b) {
        resample(layout.src + b * rowBytes, channels, layout.xoff, layout.xw, dstWidth, lower, layout.affine);
        lowerRow = b;
      }
      const second = b === t ? upper : lower;
      kernels.blendRows(upper, second, layout.out + y * dstWidth * 4, dstWidth, wy[y]!, planeBytes);
    }
    out.set(this.outView);
  }
}
