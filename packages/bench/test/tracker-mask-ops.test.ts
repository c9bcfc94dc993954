import { SeededRandom } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import { BilinearResizer, tableSigmoid } from '../src/tracker/bilinear.js';
import { maskToBox, ResizedMaskBox, scaleLowResBox } from '../src/tracker/mask-box.js';

/** Straightforward bilinear resize, PyTorch align_corners=False, written from the formula without tables. */
function referenceResize(src: ArrayLike<number>, inH: number, inW: number, outH: number, outW: number): Float64Array {
  const out = new Float64Array(outH * outW);
  const at = (y: number, x: number) => src[Math.min(y, inH - 1) * inW + Math.min(x, inW - 1)]!;
  for (let y = 0; y < outH; y += 1) {
    const sy = Math.max(0, ((y + 0.5) * inH) / outH - 0.5);
    const y0 = Math.floor(sy);
    const ly = sy - y0;
    for (let x = 0; x < outW; x += 1) {
      const sx = Math.max(0, ((x + 0.5) * inW) / outW - 0.5);
      const x0 = Math.floor(sx);
      const lx = sx - x0;
      out[y * outW + x] =
        (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x0 + 1)) +
        ly * ((1 - lx) * at(y0 + 1, x0) + lx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

/** Low-res logits: negative background with a few positive blobs (or none). */
function blobs(rng: SeededRandom, h: number, w: number, count: number): Float32Array {
  const m = new Float32Array(h * w).fill(-3);
  for (let b = 0; b < count; b += 1) {
    const cy = rng.int(0, h - 1);
    const cx = rng.int(0, w - 1);
    const r = rng.int(0, 6);
    for (let y = Math.max(0, cy - r); y <= Math.min(h - 1, cy + r); y += 1) {
      for (let x = Math.max(0, cx - r); x <= Math.min(w - 1, cx + r); x += 1) m[y * w + x] = rng.uniform(0.01, 5);
    }
  }
  return m;
}

describe('bilinear upsampling of mask logits', () => {
  it('matches a straightforward PyTorch-convention resize on random logits', () => {
    const rng = new SeededRandom(3);
    const src = Float32Array.from({ length: 16 * 16 }, () => rng.normal() * 4);
    const out = new Float32Array(64 * 64);
    new BilinearResizer(16, 16, 64, 64).resize(src, out);
    const ref = referenceResize(src, 16, 16, 64, 64);
    for (let i = 0; i < out.length; i += 1) expect(out[i]).toBeCloseTo(ref[i]!, 5);
  });

  it('maps a ramp to clamped half-pixel source coordinates (128 -> 512)', () => {
    const ramp = Float32Array.from({ length: 128 * 128 }, (_, i) => i % 128);
    const out = new Float32Array(512 * 512);
    new BilinearResizer(128, 128, 512, 512).resize(ramp, out);
    for (const x of [0, 1, 2, 3, 100, 509, 510, 511]) {
      expect(out[7 * 512 + x]).toBeCloseTo(Math.min(127, Math.max(0, (x + 0.5) / 4 - 0.5)), 6);
    }
  });

  it('computes the table sigmoid within 3e-7 of Math.exp over and beyond its range', () => {
    let worst = 0;
    for (let v = -40; v <= 40; v += 0.0137) worst = Math.max(worst, Math.abs(tableSigmoid(v) - 1 / (1 + Math.exp(-v))));
    expect(worst).toBeLessThan(3e-7);
    expect(tableSigmoid(-1024)).toBe(0);
    expect(tableSigmoid(Number.NaN)).toBe(0);
  });

  it('fills saturated rows directly and still matches per-pixel sampling (absent object, strong background)', () => {
    const logits = new Float32Array(32 * 32).fill(-1024);
    const out = new Float32Array(128 * 128);
    const resizer = new BilinearResizer(32, 32, 128, 128);
    resizer.toMaskForMem(logits, out, 20, -10);
    expect(out.every((v) => v === -10)).toBe(true);
    for (let y = 10; y < 14; y += 1) for (let x = 5; x < 20; x += 1) logits[y * 32 + x] = x % 3 === 0 ? 30 : -2;
    logits[13 * 32 + 25] = 16.5; // just past the table's range: the row is not skipped
    resizer.toMaskForMem(logits, out, 20, -10);
    const ref = referenceResize(logits, 32, 32, 128, 128);
    for (let i = 0; i < out.length; i += 1)
      expect(Math.abs(out[i]! - (20 * tableSigmoid(ref[i]!) - 10))).toBeLessThan(1e-5);
  });

  it('fuses sigmoid * scale + bias for the memory encoder input', () => {
    const src = Float32Array.from({ length: 8 * 8 }, (_, i) => (i % 8) - 4);
    const plain = new Float32Array(32 * 32);
    const fused = new Float32Array(32 * 32);
    const resizer = new BilinearResizer(8, 8, 32, 32);
    resizer.resize(src, plain);
    resizer.toMaskForMem(src, fused, 20, -10);
    for (let i = 0; i < plain.length; i += 1)
      expect(Math.abs(fused[i]! - (20 / (1 + Math.exp(-plain[i]!)) - 10))).toBeLessThan(1e-5);
  });
});

describe('mask to box', () => {
  it('returns [xmin, ymin, xmax - xmin, ymax - ymin] of the pixels above 0', () => {
    const m = new Float32Array(6 * 8).fill(-1);
    m[1 * 8 + 2] = 0.5;
    m[4 * 8 + 6] = 2;
    m[3 * 8 + 1] = 0.1;
    m[5 * 8 + 7] = 0; // exactly 0 is background
    expect(maskToBox(m, 6, 8)).toEqual([1, 1, 5, 3]);
  });

  it('returns [0,0,0,0] for an empty mask and a zero-size box for one pixel', () => {
    const m = new Float32Array(16).fill(-1024);
    expect(maskToBox(m, 4, 4)).toEqual([0, 0, 0, 0]);
    m[5] = 1;
    expect(maskToBox(m, 4, 4)).toEqual([1, 1, 0, 0]);
  });

  it('scales a low-res box by pixel extents', () => {
    expect(scaleLowResBox([2, 3, 4, 5], 128, 128, 512, 256)).toEqual([4, 12, 9, 23]);
    expect(scaleLowResBox([0, 0, 0, 0], 128, 128, 720, 1280)).toEqual([0, 0, 0, 0]);
  });

  it('finds the exact box of the resized mask without resizing, on random blobs and frame sizes', () => {
    const rng = new SeededRandom(11);
    for (const [outH, outW] of [
      [720, 1280],
      [217, 333],
      [128, 128],
      [90, 60],
    ] as const) {
      const plan = new ResizedMaskBox(32, 32, outH, outW);
      for (let trial = 0; trial < 12; trial += 1) {
        const logits = blobs(rng, 32, 32, trial % 4);
        const expected = maskToBox(referenceResize(logits, 32, 32, outH, outW), outH, outW);
        expect(plan.box(logits)).toEqual(expected);
      }
    }
  });

  it('finds the exact box of noisy, weak logits (an untrained decoder: about half positive)', () => {
    const rng = new SeededRandom(23);
    for (const [outH, outW] of [
      [720, 1280],
      [217, 333],
    ] as const) {
      const plan = new ResizedMaskBox(32, 32, outH, outW);
      for (let trial = 0; trial < 6; trial += 1) {
        const bias = -0.2 * trial; // from about half positive to a few scattered positives
        const logits = Float32Array.from({ length: 32 * 32 }, () => rng.normal() * 0.6 + bias);
        const expected = maskToBox(referenceResize(logits, 32, 32, outH, outW), outH, outW);
        expect(plan.box(logits)).toEqual(expected);
      }
    }
  });

  it('handles a lone positive logit at a corner, where the clamped taps meet', () => {
    const logits = new Float32Array(32 * 32).fill(-1);
    logits[31 * 32 + 31] = 0.2;
    const plan = new ResizedMaskBox(32, 32, 100, 70);
    expect(plan.box(logits)).toEqual(maskToBox(referenceResize(logits, 32, 32, 100, 70), 100, 70));
    expect(plan.box(new Float32Array(32 * 32).fill(-1024))).toEqual([0, 0, 0, 0]);
  });
});
