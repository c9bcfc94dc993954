import type { KernelEnum } from 'sharp';
import { BilinearPlan } from './bilinear.js';
import { decodeImage, type EncodedImage } from './decode.js';
import {
  type ChannelAffine,
  channelAffine,
  checkImage,
  checkImageSize,
  checkTensor,
  MODEL_INPUT_SIZE,
  type NormalizeOptions,
  normalizeToChw,
  type RawImage,
} from './normalize.js';
import { SimdBilinearPlan, simdResizeSupported } from './wasm/bilinear-simd.js';

/** Options of `Preprocessor`. */
export interface PreprocessorOptions extends NormalizeOptions {
  /** Side of the square output. Default 512 (`MODEL_INPUT_SIZE`). */
  size?: number;
  /**
   * Resampling kernel of the decode path (sharp). Default "cubic": Catmull-Rom with antialiasing, the closest
   * sharp offers to PIL's default bicubic `Image.resize`, which SAM 2-style video loaders use (inferred from
   * their sources). The in-memory path (`fromRgb`) is always plain bilinear.
   */
  kernel?: keyof KernelEnum;
  /**
   * Run the in-memory path on the WebAssembly SIMD kernels where this runtime supports them and the output
   * width is a multiple of 4 (default true); false uses the plain TypeScript kernels. Both compute the same
   * resampling; the SIMD one is about 8x faster, uses Q14 fixed-point horizontal weights and float32 (the
   * TypeScript one float64): they differ by at most `SIMD_MAX_LEVEL_ERROR` (about 0.008) grey levels.
   */
  simd?: boolean;
}

/** What the in-memory path needs from a resampling plan (both kernels provide it). */
interface ResizePlan {
  fits(image: Omit<RawImage, 'data'>): boolean;
  resizeToChw(src: Uint8Array | Uint8ClampedArray, out: Float32Array, affine: ChannelAffine): void;
}

export type { EncodedImage } from './decode.js';

/**
 * Turns frames into the image_encoder input: resize straight to size x size (aspect not kept), RGB, /255,
 * ImageNet mean/std, HWC -> CHW, float32 [1,3,size,size]. Owns its output tensor and resampling tables and
 * reuses them frame after frame; pass your own `out` to fill a tensor you own instead.
 *
 * Fastest use (no copies at all): `const frame = pre.frameBuffer(1280, 720)`, decode each video frame into
 * `frame.data`, then `pre.fromRgb(frame)` and feed the returned tensor before the next call.
 */
export class Preprocessor {
  readonly size: number;
  private readonly affine: ChannelAffine;
  private readonly kernel: keyof KernelEnum;
  private readonly simd: boolean;
  private plan: ResizePlan | undefined;
  private ownOutput: Float32Array | undefined;
  private ownFrame: RawImage | undefined;

  constructor(options: PreprocessorOptions = {}) {
    this.size = options.size ?? MODEL_INPUT_SIZE;
    if (!(Number.isInteger(this.size) && this.size > 0))
      throw new RangeError(`size must be a positive integer, got ${this.size}`);
    this.affine = channelAffine(options);
    this.kernel = options.kernel ?? 'cubic';
    this.simd = options.simd ?? true;
  }

  /**
   * The tensor the methods fill when no `out` is passed: [1,3,size,size], reused for every frame. While the
   * SIMD kernels serve the current frame size it is a view of their WebAssembly memory (see `fromRgb` for its
   * lifetime); otherwise an array this object owns. Read it again after a change of frame size.
   */
  get output(): Float32Array {
    if (this.plan instanceof SimdBilinearPlan) return this.plan.output;
    this.ownOutput ??= new Float32Array(3 * this.size * this.size);
    return this.ownOutput;
  }

  /** Which kernels serve the current frame size ("simd" or "js"; undefined before the first frame or frameBuffer). */
  get resizeKernel(): 'simd' | 'js' | undefined {
    if (!this.plan) return undefined;
    return this.plan instanceof SimdBilinearPlan ? 'simd' : 'js';
  }

  /**
   * The in-memory path for raw 8-bit RGB(A) frames (e.g. from a video decoder): bilinear resize and normalisation
   * in one go (see the `simd` option for the kernels). Allocation-free once a frame of this size has been seen
   * (the resampling plan is kept for the last source size).
   *
   * Without `out` it returns `output`, with no copy when the SIMD kernels run: the tensor then lives in their
   * WebAssembly memory and is overwritten by the next call (or `fromImage`) without `out`. After a frame of
   * another size it stays readable but is no longer written: read `output` (or the return value) again.
   * Consume it before the next call, or `slice()` it to keep it. With `out` it fills that caller-owned tensor
   * (one extra copy of 3 MB for 512) and returns it; `out` is never touched by later calls.
   */
  fromRgb(frame: RawImage, out?: Float32Array): Float32Array {
    checkImage(frame, 'frame');
    if (out) checkTensor(out, this.size);
    const plan = this.planFor(frame);
    const target = out ?? this.output;
    plan.resizeToChw(frame.data, target, this.affine);
    return target;
  }

  /**
   * A frame whose `data` a producer fills in place (e.g. a decoder writing straight into it) before passing it to
   * `fromRgb`. With the SIMD kernels `data` is a view of their WebAssembly memory, so `fromRgb` skips the copy
   * of the frame (2.7 MB for 1280x720 RGB); with the TypeScript kernels it is a plain array (they read frames
   * in place anyway). The same buffer is returned for the same size. Valid until a frame of another size is
   * processed or asked for; with the SIMD kernels `fromRgb` of any other frame of this size overwrites it.
   */
  frameBuffer(width: number, height: number, channels = 3): RawImage {
    const size = { width, height, channels };
    checkImageSize(size, 'frameBuffer');
    const plan = this.planFor(size);
    if (plan instanceof SimdBilinearPlan) return { data: plan.source, width, height, channels };
    if (!this.ownFrame || !plan.fits(this.ownFrame)) {
      this.ownFrame = { data: new Uint8Array(width * height * channels), width, height, channels };
    }
    return this.ownFrame;
  }

  /** The resampling plan for frames of this size, built when the size (or layout) changes. */
  private planFor(frame: Omit<RawImage, 'data'>): ResizePlan {
    if (!this.plan?.fits(frame)) {
      this.plan =
        this.simd && simdResizeSupported(frame, this.size)
          ? new SimdBilinearPlan(frame, this.size, this.size)
          : new BilinearPlan(frame, this.size, this.size);
    }
    return this.plan;
  }

  /**
   * The decode path: decodes a JPEG/PNG/... with sharp, resizes with the configured kernel to size x size
   * (aspect not kept; no EXIF rotation, as PIL-based loaders do not rotate either), drops alpha, converts to
   * sRGB, then normalises in place into `out` (default: `output`, see `fromRgb` for its lifetime). sharp
   * allocates the decoded pixels; the normalisation does not.
   */
  async fromImage(input: EncodedImage, out?: Float32Array): Promise<Float32Array> {
    if (out) checkTensor(out, this.size);
    const image = await this.decodeResized(input);
    return normalizeToChw(image, out ?? this.output, this.affine);
  }

  /** Decodes and resizes to size x size 8-bit RGB with sharp (what `fromImage` normalises). */
  decodeResized(input: EncodedImage): Promise<RawImage> {
    return decodeImage(input, { size: this.size, kernel: this.kernel });
  }
}
