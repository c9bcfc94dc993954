/** Test frames and per-value references for the preprocessing tests. */
import { IMAGENET_MEAN, IMAGENET_STD, type RawImage, SIMD_MAX_LEVEL_ERROR } from '../../src/index.js';

/** A smooth 8-bit RGB test frame: a horizontal ramp, a low-frequency wave and a diagonal ramp. */
export function smoothFrame(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round(127.5 + 100 * Math.sin(x / 60) * Math.cos(y / 45));
      data[i + 2] = Math.round((255 * (x + y)) / (width + height - 2));
    }
  }
  return { data, width, height, channels: 3 };
}

/** Deterministic noise frame (xorshift), for exactness tests where content does not matter. */
export function noiseFrame(width: number, height: number, channels = 3, seed = 7): RawImage {
  const data = new Uint8Array(width * height * channels);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 255;
  }
  return { data, width, height, channels };
}

/** The textbook form: ((v / 255) - mean) / std, channel-planar index c*H*W + y*W + x. */
export function referenceNormalize(image: RawImage): Float32Array {
  const { width, height, channels, data } = image;
  const out = new Float32Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = data[(y * width + x) * channels + c]! / 255;
        out[c * width * height + y * width + x] = (v - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
      }
    }
  }
  return out;
}

/** Straightforward bilinear sample at half-pixel centres with edge clamping, one value at a time. */
export function referenceBilinear(image: RawImage, size: number, x: number, y: number, c: number): number {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const sx = clamp(((x + 0.5) * image.width) / size - 0.5, image.width - 1);
  const sy = clamp(((y + 0.5) * image.height) / size - 0.5, image.height - 1);
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const at = (px: number, py: number) => image.data[(py * image.width + px) * image.channels + c]!;
  const top = at(x0, y0) * (1 - (sx - x0)) + at(x1, y0) * (sx - x0);
  const bottom = at(x0, y1) * (1 - (sx - x0)) + at(x1, y1) * (sx - x0);
  return top * (1 - (sy - y0)) + bottom * (sy - y0);
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Largest deviation of a resized, normalised tensor from the per-value reference. */
export function deviationFromReference(image: RawImage, size: number, out: Float32Array): number {
  let max = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const expected = (referenceBilinear(image, size, x, y, c) / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
        max = Math.max(max, Math.abs(out[c * size * size + y * size + x]! - expected));
      }
    }
  }
  return max;
}

/** Float32 rounding of the kernels: about 1e-5 grey levels, i.e. well under 1e-6 after normalisation. */
const FLOAT32_SLACK = 1e-5;
/**
 * How far the SIMD kernels may be from exact bilinear after normalisation: their fixed-point bound in grey levels
 * (`SIMD_MAX_LEVEL_ERROR`, 255 * 2^-15) divided by 255 and the smallest std (the largest scale), plus float32
 * rounding: about 1.5e-4.
 */
export const SIMD_TOLERANCE = SIMD_MAX_LEVEL_ERROR / 255 / Math.min(...IMAGENET_STD) + FLOAT32_SLACK;
