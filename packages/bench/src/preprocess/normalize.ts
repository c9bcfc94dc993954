/** Side of the square model input of EfficientTAM-Ti 512. */
export const MODEL_INPUT_SIZE = 512;
/** ImageNet channel means (RGB) on the 0..1 scale, as the EfficientTAM / SAM 2 preprocessing uses. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations (RGB) on the 0..1 scale. */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Options shared by the normalising functions. */
export interface NormalizeOptions {
  /** Per-channel mean on the 0..1 scale. Default `IMAGENET_MEAN`. */
  mean?: readonly [number, number, number];
  /** Per-channel standard deviation on the 0..1 scale. Default `IMAGENET_STD`. */
  std?: readonly [number, number, number];
}

/**
 * The normalisation ((v / 255) - mean) / std folded into one multiply-add per value: v * scale + offset with
 * scale = 1 / (255 std) and offset = -mean / std. It is linear, so it can also be applied after interpolation.
 * Differs from the two-step form by float rounding only (relative 1e-7).
 */
export interface ChannelAffine {
  scale: [number, number, number];
  offset: [number, number, number];
}

export function channelAffine(options: NormalizeOptions = {}): ChannelAffine {
  const mean = options.mean ?? IMAGENET_MEAN;
  const std = options.std ?? IMAGENET_STD;
  for (let c = 0; c < 3; c++) {
    if (!(std[c]! > 0)) throw new RangeError(`std[${c}] must be > 0, got ${std[c]}`);
  }
  return {
    scale: [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])],
    offset: [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]],
  };
}

/** An 8-bit interleaved image in memory (RGB, RGBA: only the first three channels are read). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Interleaved channels per pixel, 3 or 4. */
  channels: number;
}

/** Throws a RangeError naming the parameter when an image or output buffer does not have the expected size. */
export function checkImage(image: RawImage, name = 'image'): void {
  checkImageSize(image, name);
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`${name}.data has ${data.length} bytes, expected ${width}x${height}x${channels}`);
  }
}

/** Throws a RangeError naming the parameter unless width and height are positive integers and channels 3 or 4. */
export function checkImageSize(image: Omit<RawImage, 'data'>, name = 'image'): void {
  const { width, height, channels } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`${name} must have a positive integer width and height, got ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`${name}.channels must be 3 or 4, got ${channels}`);
}

export function checkTensor(out: Float32Array, size: number, name = 'out'): void {
  if (out.length !== 3 * size * size) {
    throw new RangeError(`${name} must hold [1,3,${size},${size}] = ${3 * size * size} floats, got ${out.length}`);
  }
}

/**
 * Normalises an 8-bit HWC image into a caller-owned float32 CHW tensor [1,3,H,W]: /255, minus mean, over std.
 * Allocation-free: writes `out` in place and returns it. `out` must hold 3 * width * height floats.
 */
export function normalizeToChw(
  image: RawImage,
  out: Float32Array,
  affine: ChannelAffine = channelAffine(),
): Float32Array {
  checkImage(image);
  if (image.width !== image.height) checkTensorRect(out, image.width, image.height);
  else checkTensor(out, image.width);
  const { data, channels } = image;
  const plane = image.width * image.height;
  const [s0, s1, s2] = affine.scale;
  const [o0, o1, o2] = affine.offset;
  // One pass over the source, three output streams: reads stay sequential, writes go to three planes.
  for (let i = 0, p = 0; p < plane; p++, i += channels) {
    out[p] = data[i]! * s0 + o0;
    out[p + plane] = data[i + 1]! * s1 + o1;
    out[p + 2 * plane] = data[i + 2]! * s2 + o2;
  }
  return out;
}

function checkTensorRect(out: Float32Array, width: number, height: number): void {
  if (out.length !== 3 * width * height) {
    throw new RangeError(`out must hold [1,3,${height},${width}] = ${3 * width * height} floats, got ${out.length}`);
  }
}
