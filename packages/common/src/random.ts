/**
 * Seeded random numbers: the zoo's weights, bench's generated inputs and synthetic videos, eval's synthetic
 * sequences. Deterministic across runs, platforms and Node versions: only 32-bit integer arithmetic (Math.imul)
 * and IEEE double operations whose results are exactly specified, which `Math.random` cannot promise.
 */

/** FNV-1a hash of a string: derives an independent stream per name, so values do not depend on build order. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a user seed with a stream key (e.g. an initializer name) into one 32-bit seed. */
export function deriveSeed(seed: number, key: string): number {
  let h = (hashString(key) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  // One round of murmur3's finaliser so that nearby seeds give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A mulberry32 generator: small, fast and good enough for weights and test data (not for cryptography). */
export class SeededRandom {
  #state: number;
  #spare: number | undefined;

  /** `seed`: any integer (taken modulo 2^32). Throws a RangeError for anything else. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max); default [0, 1). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** Integer uniform in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.#spare !== undefined) {
      const spare = this.#spare;
      this.#spare = undefined;
      return spare;
    }
    const u = 1 - this.next(); // (0, 1], so log() is finite
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal with standard deviation `std`, redrawn outside +-2 std (timm's trunc_normal_ default). */
  truncNormal(std: number): number {
    for (;;) {
      const z = this.normal();
      if (z >= -2 && z <= 2) return z * std;
    }
  }

  /** Fills a new Float32Array of `count` values drawn by `draw`. */
  fill(count: number, draw: (random: SeededRandom) => number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = draw(this);
    return out;
  }
}
