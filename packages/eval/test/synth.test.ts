import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import { generateSyntheticDataset, sequenceSeed, syntheticTruth } from '../src/synth/generate.js';
import { drawScene, frameTruth } from '../src/synth/scene.js';
import { tempDir } from './helpers.js';

describe('synthetic scenes', () => {
  it('gives a box that is the drawn object clipped to the image, or 0,0,0,0 with a flag when absent', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const scene = drawScene(160, 120, 150, seed);
      for (let i = 0; i < 150; i++) {
        const t = frameTruth(scene, i);
        const { x, y, w, h } = t.object;
        const x0 = Math.max(0, x);
        const y0 = Math.max(0, y);
        const x1 = Math.min(160, x + w);
        const y1 = Math.min(120, y + h);
        if (t.outOfView || t.fullOcclusion) {
          expect(t.box).toEqual([0, 0, 0, 0]);
          expect(t.outOfView && t.fullOcclusion).toBe(false);
        } else {
          expect(t.box).toEqual([x0 + 1, y0 + 1, x1 - x0, y1 - y0]);
        }
        expect(t.outOfView).toBe(x1 <= x0 || y1 <= y0);
      }
    }
  });

  it('shows the object on frame 1, where the tracker is prompted', () => {
    for (let seed = 0; seed < 50; seed++) {
      const t = frameTruth(drawScene(320, 240, 100, seed), 0);
      expect(t.outOfView || t.fullOcclusion).toBe(false);
    }
  });

  it('includes fully occluded and out-of-view stretches over a long sequence', () => {
    for (const seed of [11, 12, 13]) {
      const truth = syntheticTruth(320, 240, 300, seed);
      expect(truth.some((t) => t.fullOcclusion)).toBe(true);
      expect(truth.some((t) => t.outOfView)).toBe(true);
      // The object scales: its box area varies by more than 20 %.
      const areas = truth.filter((t) => t.box[2] > 0).map((t) => t.object.w * t.object.h);
      expect(Math.max(...areas) / Math.min(...areas)).toBeGreaterThan(1.2);
    }
  });
});

describe('generateSyntheticDataset', () => {
  it('writes a LaSOT-layout sequence that the loader reads back, deterministically from the seed', async () => {
    const a = await tempDir();
    const b = await tempDir();
    const summary = await generateSyntheticDataset({
      outDir: a,
      sequences: 2,
      frames: 4,
      seed: 3,
      width: 48,
      height: 32,
    });
    await generateSyntheticDataset({ outDir: b, sequences: 2, frames: 4, seed: 3, width: 48, height: 32 });
    expect(summary.map((s) => s.name)).toEqual(['synth-1', 'synth-2']);
    const ds = await openLasotDataset(a);
    const seq = await loadSequence(ds.sequences[0]!);
    expect(seq.frames).toBe(4);
    expect(seq.fullOcclusion?.length).toBe(4);
    expect(seq.description).toMatch(/checkered box/);
    const meta = await sharp(join(seq.dir, 'img', '00000004.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 48, 32]);
    const gt = (root: string) => readFile(join(root, 'synth', 'synth-2', 'groundtruth.txt'), 'utf8');
    expect(await gt(a)).toBe(await gt(b));
    const other = await tempDir();
    await generateSyntheticDataset({ outDir: other, sequences: 2, frames: 4, seed: 4, width: 48, height: 32 });
    expect(await gt(other)).not.toBe(await gt(a));
  });

  it('draws the object where its box says', async () => {
    const dir = await tempDir();
    await generateSyntheticDataset({
      outDir: dir,
      sequences: 1,
      frames: 1,
      seed: 9,
      width: 160,
      height: 120,
      quality: 100,
    });
    const seqDir = join(dir, 'synth', 'synth-1');
    const [x, y, w, h] = (await readFile(join(seqDir, 'groundtruth.txt'), 'utf8')).trim().split(',').map(Number);
    const scene = drawScene(160, 120, 1, sequenceSeed(9, 1));
    const { data } = await sharp(join(seqDir, 'img', '00000001.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The object is a 4 x 4 checkerboard: the centre of each of the first two cells has colour k times the shade
    // 0.75 + 0.25 u (u = relative x), within JPEG error. Box x, y are 1-based.
    for (const [cell, colour] of [
      [0, scene.colours[0]],
      [1, scene.colours[1]],
    ] as const) {
      const px = Math.floor(x! - 1 + (w! / 4) * (cell + 0.5));
      const py = Math.floor(y! - 1 + h! / 8);
      const shade = 0.75 + 0.25 * ((px - (x! - 1)) / w!);
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(data[(py * 160 + px) * 3 + c]! - colour[c]! * shade)).toBeLessThan(20);
      }
    }
  });

  it('BAD CALL - refuses to overwrite an existing sequence unless asked', async () => {
    const dir = await tempDir();
    await generateSyntheticDataset({ outDir: dir, sequences: 1, frames: 1, width: 32, height: 32 });
    await expect(
      generateSyntheticDataset({ outDir: dir, sequences: 1, frames: 1, width: 32, height: 32 }),
    ).rejects.toThrow(/already exists/);
    await expect(
      generateSyntheticDataset({ outDir: dir, sequences: 1, frames: 1, width: 32, height: 32, overwrite: true }),
    ).resolves.toHaveLength(1);
  });
});
