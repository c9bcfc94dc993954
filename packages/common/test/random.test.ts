import { describe, expect, it } from 'vitest';
import { deriveSeed, hashString, SeededRandom } from '../src/index.js';

describe('SeededRandom', () => {
  it('gives the published mulberry32 stream for a seed', () => {
    // First outputs of the reference mulberry32 in C (uint32 arithmetic), seed 0: the stream is the published one.
    const r = new SeededRandom(0);
    const first = [r.next(), r.next(), r.next()].map((v) => Math.round(v * 4294967296));
    expect(first).toEqual([1144304738, 1416247, 958946056]);
  });

  it('repeats a stream for the same seed and differs for another', () => {
    const a = new SeededRandom(7).fill(16, (r) => r.uniform());
    const b = new SeededRandom(7).fill(16, (r) => r.uniform());
    const c = new SeededRandom(8).fill(16, (r) => r.uniform());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws uniform, integer and normal values in their ranges', () => {
    const r = new SeededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform(-2, 5);
      expect(u).toBeGreaterThanOrEqual(-2);
      expect(u).toBeLessThan(5);
      const k = r.int(3, 6);
      expect(Number.isInteger(k) && k >= 3 && k <= 6).toBe(true);
    }
    const normals = new SeededRandom(1).fill(20000, (g) => g.normal());
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    const variance = normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('draws truncated normals within two standard deviations with roughly the asked spread', () => {
    const v = new SeededRandom(1).fill(20000, (r) => r.truncNormal(0.02));
    const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(max).toBeLessThanOrEqual(0.04 + 1e-7);
    // A normal truncated at 2 sigma has std ~0.88 sigma.
    expect(std).toBeGreaterThan(0.016);
    expect(std).toBeLessThan(0.019);
  });

  it('BAD CALL - refuses a seed that is not an integer', () => {
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
  });
});

describe('deriveSeed', () => {
  it('gives independent 32-bit streams per key and seed', () => {
    const seeds = new Set([deriveSeed(1, 'a'), deriveSeed(1, 'b'), deriveSeed(2, 'a'), deriveSeed(1, 'a.b')]);
    expect(seeds.size).toBe(4);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(hashString('')).toBe(0x811c9dc5);
  });
});
