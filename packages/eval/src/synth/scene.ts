import { SeededRandom } from '@tamkit/common';

/** An integer rectangle in 0-based pixels: columns x .. x+w-1, rows y .. y+h-1. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Everything random about one synthetic sequence, drawn from its seed. */
export interface SceneParams {
  width: number;
  height: number;
  frames: number;
  seed: number;
  /** Object size at scale 1. */
  baseWidth: number;
  baseHeight: number;
  /** Horizontal and vertical sweep: amplitude (px), cycles over the sequence, phase. */
  sweepX: { amplitude: number; cycles: number; phase: number };
  sweepY: { amplitude: number; cycles: number; phase: number };
  /** Scale oscillation: relative amplitude, cycles, phase. */
  scale: { amplitude: number; cycles: number; phase: number };
  /** Full-height occluding band, wider than the object at its largest so it can hide it completely. */
  occluder: { x: number; w: number };
  /** RGB colours of the object's two checker colours. */
  colours: [[number, number, number], [number, number, number]];
}

/** Ground truth of one frame, as LaSOT writes it. */
export interface FrameTruth {
  /** Where the object is drawn (may extend past the image). */
  object: PixelRect;
  /** LaSOT box `[x, y, w, h]` (1-based), `[0, 0, 0, 0]` when absent. */
  box: [number, number, number, number];
  fullOcclusion: boolean;
  outOfView: boolean;
}

/** Draws the parameters of a sequence from its seed. */
export function drawScene(width: number, height: number, frames: number, seed: number): SceneParams {
  const random = new SeededRandom(seed);
  const baseWidth = Math.max(4, Math.round(random.uniform(0.12, 0.2) * width));
  const baseHeight = Math.max(4, Math.round(random.uniform(0.15, 0.3) * height));
  const scaleAmplitude = 0.3;
  const occluderWidth = Math.ceil(baseWidth * (1 + scaleAmplitude) * 1.6);
  const hue = () => [random.uniform(30, 255), random.uniform(30, 255), random.uniform(30, 255)].map(Math.round);
  return {
    width,
    height,
    frames,
    seed,
    baseWidth,
    baseHeight,
    // Amplitude past half the width: the object leaves the image at both ends of its sweep (out of view). The
    // phase starts it right of centre, visible and clear of the band, since frame 1 prompts the tracker.
    sweepX: {
      amplitude: width / 2 + baseWidth * 0.7,
      cycles: random.uniform(1, 1.6),
      phase: random.uniform(0.1, 0.8),
    },
    sweepY: { amplitude: height * 0.25, cycles: random.uniform(0.5, 2), phase: random.uniform(0, 6.283) },
    scale: { amplitude: scaleAmplitude, cycles: random.uniform(0.5, 2), phase: random.uniform(0, 6.283) },
    occluder: { x: Math.round(width * 0.3 - occluderWidth / 2), w: occluderWidth },
    colours: [hue() as [number, number, number], hue() as [number, number, number]],
  };
}

function oscillate(p: { amplitude: number; cycles: number; phase: number }, t: number): number {
  return p.amplitude * Math.sin(2 * Math.PI * p.cycles * t + p.phase);
}

/** Where the object is on frame `index`, and the LaSOT ground truth that follows exactly from it. */
export function frameTruth(scene: SceneParams, index: number): FrameTruth {
  const t = scene.frames > 1 ? index / (scene.frames - 1) : 0;
  const s = 1 + oscillate(scene.scale, t);
  const w = Math.max(2, Math.round(scene.baseWidth * s));
  const h = Math.max(2, Math.round(scene.baseHeight * s));
  const cx = scene.width / 2 + oscillate(scene.sweepX, t);
  const cy = scene.height / 2 + oscillate(scene.sweepY, t);
  const object = { x: Math.round(cx - w / 2), y: Math.round(cy - h / 2), w, h };
  // The part inside the image; LaSOT boxes never leave the image.
  const x0 = Math.max(0, object.x);
  const y0 = Math.max(0, object.y);
  const x1 = Math.min(scene.width, object.x + w);
  const y1 = Math.min(scene.height, object.y + h);
  const outOfView = x1 <= x0 || y1 <= y0;
  const band = scene.occluder;
  const fullOcclusion = !outOfView && x0 >= band.x && x1 <= band.x + band.w;
  const box: FrameTruth['box'] = outOfView || fullOcclusion ? [0, 0, 0, 0] : [x0 + 1, y0 + 1, x1 - x0, y1 - y0];
  return { object, box, fullOcclusion, outOfView };
}
