import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import sharp from 'sharp';
import { formatFlagText } from '../lasot/text-format.js';
import { renderBackground, renderFrame } from './render.js';
import { drawScene, type FrameTruth, frameTruth } from './scene.js';

/** Options of `generateSyntheticDataset`. */
export interface SynthOptions {
  /** Root of the LaSOT-layout output; sequences go to `<outDir>/<className>/<className>-<n>/`. */
  outDir: string;
  /** Number of sequences. Default 2. */
  sequences?: number;
  /** Frames per sequence. Default 60. */
  frames?: number;
  /** Seed of everything random. Default 1. */
  seed?: number;
  /** Frame size in pixels. Default 320 x 240. */
  width?: number;
  height?: number;
  /** Class name of the sequences. Default `synth`. */
  className?: string;
  /** JPEG quality. Default 90. */
  quality?: number;
  /** Replace sequences that already exist. Default `false` (an existing sequence is an error). */
  overwrite?: boolean;
}

/** What was generated for one sequence. */
export interface SynthSequenceSummary {
  name: string;
  dir: string;
  frames: number;
  fullOcclusionFrames: number;
  outOfViewFrames: number;
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The scene seed of sequence `n` (1-based) of a dataset generated with `seed`. */
export function sequenceSeed(seed: number, n: number): number {
  // Spread apart so consecutive sequences do not share a random stream.
  return (seed * 1_000_003 + n * 7919) >>> 0;
}

/** The ground truth of a synthetic sequence without rendering it (what `generateSyntheticDataset` writes). */
export function syntheticTruth(width: number, height: number, frames: number, seed: number): FrameTruth[] {
  const scene = drawScene(width, height, frames, seed);
  return Array.from({ length: frames }, (_, i) => frameTruth(scene, i));
}

/**
 * Writes synthetic LaSOT-format sequences: JPEG frames of a textured object moving, scaling, crossing an
 * occluding band and leaving the image, with exact ground-truth boxes (`0,0,0,0` and the matching flag while it
 * is fully occluded or out of view), `full_occlusion.txt`, `out_of_view.txt` and `nlp.txt`. Each sequence is
 * built in a temporary folder and renamed into place, so a failed run leaves no half-written sequence.
 */
export async function generateSyntheticDataset(options: SynthOptions): Promise<SynthSequenceSummary[]> {
  const count = positiveInteger('sequences', options.sequences ?? 2, 1);
  const frames = positiveInteger('frames', options.frames ?? 60, 1);
  const width = positiveInteger('width', options.width ?? 320, 16);
  const height = positiveInteger('height', options.height ?? 240, 16);
  const seed = options.seed ?? 1;
  const className = options.className ?? 'synth';
  const classDir = join(options.outDir, className);
  await mkdir(classDir, { recursive: true });
  const summaries: SynthSequenceSummary[] = [];
  for (let n = 1; n <= count; n++) {
    const name = `${className}-${n}`;
    const dir = join(classDir, name);
    if ((await exists(dir)) && !options.overwrite) {
      throw new ToolkitError('SYNTH_EXISTS', `${dir} already exists.`, {
        remedy: 'Choose another output folder, or pass --overwrite to replace it.',
      });
    }
    const scene = drawScene(width, height, frames, sequenceSeed(seed, n));
    const temp = join(classDir, `.${name}.tmp-${process.pid}`);
    await rm(temp, { recursive: true, force: true });
    await mkdir(join(temp, 'img'), { recursive: true });
    const truths: FrameTruth[] = [];
    try {
      const background = renderBackground(scene);
      for (let i = 0; i < frames; i++) {
        const truth = frameTruth(scene, i);
        truths.push(truth);
        const pixels = renderFrame(scene, background, truth);
        await sharp(pixels, { raw: { width, height, channels: 3 } })
          .jpeg({ quality: options.quality ?? 90 })
          .toFile(join(temp, 'img', `${String(i + 1).padStart(8, '0')}.jpg`));
      }
      await writeFile(join(temp, 'groundtruth.txt'), `${truths.map((t) => t.box.join(',')).join('\n')}\n`);
      await writeFile(join(temp, 'full_occlusion.txt'), formatFlagText(truths.map((t) => (t.fullOcclusion ? 1 : 0))));
      await writeFile(join(temp, 'out_of_view.txt'), formatFlagText(truths.map((t) => (t.outOfView ? 1 : 0))));
      const [r, g, b] = scene.colours[0];
      await writeFile(join(temp, 'nlp.txt'), `a checkered box (rgb ${r},${g},${b}) sliding behind a striped pillar\n`);
      await rm(dir, { recursive: true, force: true });
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    summaries.push({
      name,
      dir,
      frames,
      fullOcclusionFrames: truths.filter((t) => t.fullOcclusion).length,
      outOfViewFrames: truths.filter((t) => t.outOfView).length,
    });
  }
  return summaries;
}
