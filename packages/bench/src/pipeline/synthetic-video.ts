import { SeededRandom } from '@tamkit/common';
import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from '../tracker/mask-box.js';

/** Options of `SyntheticVideo`. */
export interface SyntheticVideoOptions {
  /** Frame size in pixels. Default 1280 x 720. */
  width?: number;
  height?: number;
  /** Seed of the background texture, object colour and motion. Default 0. */
  seed?: number;
}

/**
 * A deterministic video generated in process: a textured background and a bright rectangle moving at constant
 * velocity, bouncing off the borders. Frames are drawn into two buffers in turn: a frame stays valid until the
 * second `frame()` call after it, so a loop can hold the current and the next frame. They live in shared
 * memory (a worker thread can read them in place).
 */
export class SyntheticVideo {
  readonly width: number;
  readonly height: number;
  readonly #background: Uint8Array;
  readonly #frames: [Uint8Array, Uint8Array];
  #turn = 0;
  readonly #colour: [number, number, number];
  readonly #size: [number, number];
  readonly #start: [number, number];
  readonly #velocity: [number, number];

  constructor(options: SyntheticVideoOptions = {}) {
    this.width = options.width ?? 1280;
    this.height = options.height ?? 720;
    if (!(Number.isInteger(this.width) && this.width > 15 && Number.isInteger(this.height) && this.height > 15)) {
      throw new RangeError(`width and height must be integers of at least 16, got ${this.width}x${this.height}`);
    }
    const rng = new SeededRandom(options.seed ?? 0);
    this.#background = new Uint8Array(this.width * this.height * 3);
    for (let i = 0; i < this.#background.length; i += 1) this.#background[i] = 40 + ((i * 7) % 50) + rng.int(0, 30);
    // Shared memory: the tracker's host worker reads a frame handed over early in place, without a copy.
    const shared = () => new Uint8Array(new SharedArrayBuffer(this.#background.length));
    this.#frames = [shared(), shared()];
    this.#colour = [rng.int(180, 255), rng.int(0, 80), rng.int(100, 255)];
    this.#size = [Math.round(this.width * rng.uniform(0.1, 0.25)), Math.round(this.height * rng.uniform(0.1, 0.25))];
    this.#start = [rng.int(0, this.width - this.#size[0]), rng.int(0, this.height - this.#size[1])];
    this.#velocity = [rng.uniform(-8, 8), rng.uniform(-5, 5)];
  }

  /** The object's box [x, y, w, h] in frame `index`. */
  box(index: number): Box {
    const bounce = (start: number, v: number, span: number) => {
      const period = 2 * span;
      const p = (((start + v * index) % period) + period) % period;
      return Math.round(p <= span ? p : period - p);
    };
    const [w, h] = this.#size;
    return [
      bounce(this.#start[0], this.#velocity[0], this.width - w),
      bounce(this.#start[1], this.#velocity[1], this.height - h),
      w,
      h,
    ];
  }

  /** Draws frame `index` into the buffer of its turn. */
  frame(index: number): RawImage {
    const pixels = this.#frames[this.#turn]!;
    this.#turn ^= 1;
    pixels.set(this.#background);
    const [x, y, w, h] = this.box(index);
    for (let row = y; row < y + h; row += 1) {
      for (let col = x; col < x + w; col += 1) {
        const p = (row * this.width + col) * 3;
        pixels[p] = this.#colour[0];
        pixels[p + 1] = this.#colour[1] ^ (col & 16);
        pixels[p + 2] = this.#colour[2];
      }
    }
    return { data: pixels, width: this.width, height: this.height, channels: 3 };
  }
}
