import { SeededRandom } from '@tamkit/common';
import type { FrameTruth, SceneParams } from './scene.js';

/**
 * A textured background: smooth value noise (a coarse random grid, bilinearly interpolated) in three channels
 * plus faint diagonal stripes, so a tracker has texture to latch on to but no trivial colour cue.
 */
export function renderBackground(scene: SceneParams): Uint8Array {
  const { width, height } = scene;
  const random = new SeededRandom(scene.seed ^ 0x9e3779b9);
  const cell = Math.max(4, Math.round(Math.min(width, height) / 8));
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = Float64Array.from({ length: gw * gh * 3 }, () => 40 + 170 * random.next());
  const image = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const iy = Math.floor(gy);
    const fy = gy - iy;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const ix = Math.floor(gx);
      const fx = gx - ix;
      const stripe = ((x + y) >> 2) & 1 ? 12 : 0;
      for (let c = 0; c < 3; c++) {
        const at = (gxi: number, gyi: number) => grid[(gyi * gw + gxi) * 3 + c]!;
        const top = at(ix, iy) * (1 - fx) + at(ix + 1, iy) * fx;
        const bottom = at(ix, iy + 1) * (1 - fx) + at(ix + 1, iy + 1) * fx;
        image[(y * width + x) * 3 + c] = Math.min(255, top * (1 - fy) + bottom * fy + stripe);
      }
    }
  }
  return image;
}

/**
 * Renders one frame: the background, the object (a 4 x 4 checkerboard of its two colours with a shading ramp;
 * the pattern scales with the object), then the occluding band with its own stripes on top.
 */
export function renderFrame(scene: SceneParams, background: Uint8Array, truth: FrameTruth): Uint8Array {
  const { width, height } = scene;
  const image = background.slice();
  const { x, y, w, h } = truth.object;
  for (let py = Math.max(0, y); py < Math.min(height, y + h); py++) {
    const v = (py - y) / h;
    for (let px = Math.max(0, x); px < Math.min(width, x + w); px++) {
      const u = (px - x) / w;
      const colour = scene.colours[(Math.floor(u * 4) + Math.floor(v * 4)) & 1]!;
      const shade = 0.75 + 0.25 * u;
      const o = (py * width + px) * 3;
      for (let c = 0; c < 3; c++) image[o + c] = Math.round(colour[c]! * shade);
    }
  }
  const band = scene.occluder;
  for (let py = 0; py < height; py++) {
    for (let px = Math.max(0, band.x); px < Math.min(width, band.x + band.w); px++) {
      const o = (py * width + px) * 3;
      const level = ((px - py) >> 3) & 1 ? 90 : 60;
      image[o] = level;
      image[o + 1] = level + 10;
      image[o + 2] = level + 25;
    }
  }
  return image;
}
