import { ToolkitError } from '@tamkit/graph-surgery';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BilinearPlan,
  channelAffine,
  IMAGENET_MEAN,
  IMAGENET_STD,
  normalizeToChw,
  Preprocessor,
  type RawImage,
  SimdBilinearPlan,
  simdResizeSupported,
} from '../src/index.js';

/** A smooth 8-bit RGB test frame: a horizontal ramp, a low-frequency wave and a diagonal ramp. */
function smoothFrame(width: number, height: number): RawImage {
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
function noiseFrame(width: number, height: number, channels = 3, seed = 7): RawImage {
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
function referenceNormalize(image: RawImage): Float32Array {
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
function referenceBilinear(image: RawImage, size: number, x: number, y: number, c: number): number {
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

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('normalizeToChw', () => {
  it('matches the textbook normalisation and HWC->CHW transpose within 1e-5', () => {
    const image = noiseFrame(64, 48);
    const out = new Float32Array(3 * 64 * 48);
    expect(normalizeToChw(image, out)).toBe(out);
    expect(maxAbsDiff(out, referenceNormalize(image))).toBeLessThan(1e-5);
  });

  it('reads only the first three channels of RGBA input', () => {
    const rgba = noiseFrame(16, 16, 4);
    const rgb = { ...rgba, channels: 3, data: rgba.data.filter((_, i) => i % 4 !== 3) };
    const fromRgba = normalizeToChw(rgba, new Float32Array(3 * 256));
    expect(maxAbsDiff(fromRgba, referenceNormalize(rgb))).toBeLessThan(1e-5);
  });

  it('BAD CALL - refuses an output buffer of the wrong size, naming it', () => {
    expect(() => normalizeToChw(noiseFrame(8, 8), new Float32Array(10))).toThrow(/out must hold \[1,3,8,8\]/);
  });

  it('BAD CALL - refuses pixel data that does not match the stated size', () => {
    const image = { ...noiseFrame(8, 8), width: 9 };
    expect(() => normalizeToChw(image, new Float32Array(3 * 72))).toThrow(/image.data has 192 bytes/);
  });
});

/** Largest deviation of a resized, normalised tensor from the per-value reference. */
function deviationFromReference(image: RawImage, size: number, out: Float32Array): number {
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

// Shrinking, enlarging, odd sizes, RGB and RGBA. Float32 arithmetic in the SIMD kernel keeps it within 1e-4
// (about 0.006 of a grey level) of the float64 reference.
const RESIZE_CASES = [
  { name: '200x120 RGB to 64', image: noiseFrame(200, 120), size: 64 },
  { name: '1280x720 RGB to 512', image: noiseFrame(1280, 720), size: 512 },
  { name: '31x17 RGBA to 64 (enlarging)', image: noiseFrame(31, 17, 4), size: 64 },
  { name: '2x2 RGB to 8', image: noiseFrame(2, 2), size: 8 },
];

describe('BilinearPlan', () => {
  it.each(RESIZE_CASES)('resizes and normalises like a per-value reference bilinear: $name', ({ image, size }) => {
    const out = new Float32Array(3 * size * size);
    new BilinearPlan(image, size, size).resizeToChw(image.data, out, channelAffine());
    expect(deviationFromReference(image, size, out)).toBeLessThan(1e-4);
  });

  it('leaves an image of the target size unchanged', () => {
    const image = noiseFrame(32, 32);
    const out = new Uint8Array(32 * 32 * 3);
    new BilinearPlan(image, 32, 32).resizeToRgb(image.data, out);
    expect(maxAbsDiff(out, image.data)).toBe(0);
  });

  // Tolerance: sharp's "linear" kernel widens its triangle filter when shrinking (antialiasing), this path does
  // not, so they agree only where the image is smooth at the output scale. On smooth content they differ by
  // rounding: at most 2 of 255 levels, 0.5 on average. On hard edges they legitimately differ far more.
  it('agrees with sharp (linear kernel) on a smooth 1280x720 frame within 2 levels, 0.5 on average', async () => {
    const frame = smoothFrame(1280, 720);
    const ours = new Uint8Array(512 * 512 * 3);
    new BilinearPlan(frame, 512, 512).resizeToRgb(frame.data, ours);
    const theirs = await sharp(frame.data, { raw: { width: 1280, height: 720, channels: 3 } })
      .resize(512, 512, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    let sum = 0;
    for (let i = 0; i < ours.length; i++) sum += Math.abs(ours[i]! - theirs[i]!);
    expect(maxAbsDiff(ours, theirs)).toBeLessThanOrEqual(2);
    expect(sum / ours.length).toBeLessThan(0.5);
  });
});

describe.skipIf(!simdResizeSupported({ width: 2, height: 2 }, 4))('SimdBilinearPlan (WebAssembly SIMD)', () => {
  it.each(RESIZE_CASES)('matches the per-value reference bilinear within 1e-4: $name', ({ image, size }) => {
    const out = new Float32Array(3 * size * size);
    const plan = new SimdBilinearPlan(image, size, size);
    plan.resizeToChw(image.data, out, channelAffine());
    expect(deviationFromReference(image, size, out)).toBeLessThan(1e-4);
    // A second frame through the same plan: no state leaks from the first.
    const next = noiseFrame(image.width, image.height, image.channels, 99);
    plan.resizeToChw(next.data, out, channelAffine());
    expect(deviationFromReference(next, size, out)).toBeLessThan(1e-4);
  });

  it('is not offered for an output width that is not a multiple of 4', () => {
    expect(simdResizeSupported({ width: 100, height: 100 }, 30)).toBe(false);
    expect(() => new SimdBilinearPlan({ width: 100, height: 100, channels: 3 }, 30, 30)).toThrow(RangeError);
  });
});

describe('Preprocessor', () => {
  it('uses the SIMD kernels where it can and the TypeScript ones otherwise, with the same result', () => {
    const frame = noiseFrame(1280, 720);
    const simd = new Preprocessor();
    const js = new Preprocessor({ simd: false });
    const a = simd.fromRgb(frame);
    const b = js.fromRgb(frame);
    expect(simd.resizeKernel).toBe(simdResizeSupported(frame, 512) ? 'simd' : 'js');
    expect(js.resizeKernel).toBe('js');
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    const odd = new Preprocessor({ size: 30 });
    odd.fromRgb(frame);
    expect(odd.resizeKernel).toBe('js');
  });

  it('fills its own reused output tensor frame after frame', () => {
    const pre = new Preprocessor();
    const first = pre.fromRgb(noiseFrame(1280, 720, 3, 1));
    const copy = first.slice();
    const second = pre.fromRgb(noiseFrame(1280, 720, 3, 2));
    expect(first).toBe(pre.output);
    expect(second).toBe(pre.output);
    expect(second.length).toBe(3 * 512 * 512);
    expect(maxAbsDiff(second, copy)).toBeGreaterThan(0);
  });

  it('fills a caller-owned tensor and gives the same values as its own', () => {
    const pre = new Preprocessor();
    const frame = smoothFrame(640, 360);
    const mine = new Float32Array(3 * 512 * 512);
    expect(pre.fromRgb(frame, mine)).toBe(mine);
    expect(maxAbsDiff(mine, pre.fromRgb(frame))).toBe(0);
  });

  it('follows a change of frame size', () => {
    const pre = new Preprocessor({ size: 16 });
    const small = noiseFrame(16, 16);
    pre.fromRgb(noiseFrame(40, 30));
    expect(maxAbsDiff(pre.fromRgb(small), referenceNormalize(small))).toBeLessThan(1e-5);
  });

  it('decodes a PNG with sharp, resizes to 512 and normalises', async () => {
    const colour = [200, 100, 50];
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .png()
      .toBuffer();
    const out = await new Preprocessor().fromImage(png);
    for (let c = 0; c < 3; c++) {
      const expected = (colour[c]! / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
      expect(out[c * 512 * 512]).toBeCloseTo(expected, 5);
      expect(out[c * 512 * 512 + 512 * 512 - 1]).toBeCloseTo(expected, 5);
    }
  });

  it('turns a greyscale JPEG into three equal channels before normalising', async () => {
    const grey = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .greyscale()
      .jpeg()
      .toBuffer();
    const image = await new Preprocessor({ size: 32 }).decodeResized(grey);
    expect(image.channels).toBe(3);
    expect(image.data[0]).toBe(image.data[1]);
    expect(image.data[1]).toBe(image.data[2]);
  });

  it('BAD CALL - reports bytes that are not an image as IMAGE_DECODE_FAILED', async () => {
    const error = await new Preprocessor().fromImage(new Uint8Array([1, 2, 3, 4])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe('IMAGE_DECODE_FAILED');
  });
});
