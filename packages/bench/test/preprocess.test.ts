import { ToolkitError } from '@tamkit/common';
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
import {
  deviationFromReference,
  maxAbsDiff,
  noiseFrame,
  referenceNormalize,
  SIMD_TOLERANCE,
  smoothFrame,
} from './helpers/frames.js';

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

// Shrinking, enlarging, odd sizes, RGB and RGBA. The TypeScript kernel (float64) stays within 1e-4 of the
// reference; the SIMD one within SIMD_TOLERANCE (its Q14 weight bound, about 1.5e-4: see helpers/frames.ts).
const RESIZE_CASES = [
  { name: '200x120 RGB to 64', image: noiseFrame(200, 120), size: 64 },
  { name: '1280x720 RGB to 512', image: noiseFrame(1280, 720), size: 512 },
  { name: '31x17 RGBA to 64 (enlarging)', image: noiseFrame(31, 17, 4), size: 64 },
  { name: '37x23 RGB to 100 (enlarging, odd source)', image: noiseFrame(37, 23), size: 100 },
  { name: '333x197 RGBA to 20 (odd source)', image: noiseFrame(333, 197, 4), size: 20 },
  { name: '2x2 RGB to 8', image: noiseFrame(2, 2), size: 8 },
];

/** Columns alternating 0 and 255: every horizontal interpolation spans the full range (worst case for weights). */
function stripes(width: number, height: number, channels: number): RawImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / channels) % 2 === 0 ? 0 : 255;
  return { data, width, height, channels };
}

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

const simd = simdResizeSupported({ width: 2, height: 2 }, 4);
if (!simd) console.warn('[bench preprocess] skipping the SIMD kernel tests: this runtime has no WebAssembly SIMD');
describe.skipIf(!simd)('SimdBilinearPlan (WebAssembly SIMD)', () => {
  it.each(RESIZE_CASES)('matches the per-value reference bilinear within its fixed-point bound: $name', ({
    image,
    size,
  }) => {
    const out = new Float32Array(3 * size * size);
    const plan = new SimdBilinearPlan(image, size, size);
    plan.resizeToChw(image.data, out, channelAffine());
    expect(deviationFromReference(image, size, out)).toBeLessThan(SIMD_TOLERANCE);
    // A second frame through the same plan: no state leaks from the first.
    const next = noiseFrame(image.width, image.height, image.channels, 99);
    plan.resizeToChw(next.data, out, channelAffine());
    expect(deviationFromReference(next, size, out)).toBeLessThan(SIMD_TOLERANCE);
  });

  it.each([3, 4])('stays within the bound on full-contrast stripes at weights Q14 cannot hold (%i channels)', (ch) => {
    // 509 -> 68: source positions (x + 0.5) * 509 / 68 - 0.5 have fractions that are not multiples of 2^-14.
    const image = stripes(509, 7, ch);
    const out = new Float32Array(3 * 68 * 68);
    new SimdBilinearPlan(image, 68, 68).resizeToChw(image.data, out, channelAffine());
    expect(deviationFromReference(image, 68, out)).toBeLessThan(SIMD_TOLERANCE);
  });

  it('reads a frame written into its source view and writes its output view in place, with the same values', () => {
    const image = noiseFrame(300, 200, 4);
    const plan = new SimdBilinearPlan(image, 64, 64);
    const copied = new Float32Array(3 * 64 * 64);
    plan.resizeToChw(image.data, copied, channelAffine());
    plan.resizeToChw(noiseFrame(300, 200, 4, 5).data, copied.slice(), channelAffine());
    plan.source.set(image.data);
    plan.resizeToChw(plan.source, plan.output, channelAffine());
    expect(maxAbsDiff(plan.output, copied)).toBe(0);
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
    expect(maxAbsDiff(a, b)).toBeLessThan(SIMD_TOLERANCE);
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
