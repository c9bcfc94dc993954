/** Fidelity and bisection inputs are what the tracking loop itself feeds each module (a recording runner). */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModuleFiles, Preprocessor } from '@tamkit/bench';
import { TRACKER_MODULES, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModuleInputs } from '../src/fidelity/module-inputs.js';
import { syntheticFrames } from '../src/fidelity/sequence-fidelity.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-module-inputs-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The frame the inputs were recorded at and the sequence length, from the note that says so. */
function recordedFrame(notes: readonly string[]): { index: number; frames: number } {
  const m = /at frame (\d+) of a (\d+)-frame synthetic sequence/.exec(notes.join('\n'));
  return { index: Number(m?.[1]), frames: Number(m?.[2]) };
}

/** Largest absolute difference of two equally long arrays (a cheap check for exact equality). */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('buildModuleInputs', () => {
  it("records the loop's feeds once its memory bank is full: 7 frames and 16 pointers for memory_attention", async () => {
    const inputs = await buildModuleInputs(await findModuleFiles(join(dir, 'zoo')), { stack: 'ort-cpu', seed: 1 });
    expect(inputs.notes.join('\n')).toMatch(/over 7 memory frames and 16 object pointers/);
    const attention = inputs.feeds.memory_attention!;
    const [hw, , dModel] = attention.curr!.dims as number[];
    const memDim = attention.memory!.dims[2]!;
    const pointerTokens = 16 * (dModel! / memDim);
    expect(attention.memory!.dims).toEqual([7 * hw! + pointerTokens, 1, memDim]);
    expect(attention.memory_pos!.dims).toEqual(attention.memory!.dims);
    expect(Number((attention.num_obj_ptr_tokens!.data as BigInt64Array | Int32Array)[0])).toBe(pointerTokens);
    // image_encoder's input is the recorded frame preprocessed by bench's preprocessor (computed here apart).
    const { index, frames } = recordedFrame(inputs.notes);
    const frame = [...syntheticFrames(frames, 1, 512, 512)][index]!;
    const expected = new Preprocessor().fromRgb(frame.image);
    expect(maxAbsDiff(inputs.feeds.image_encoder!.image!.data as Float32Array, expected)).toBe(0);
    // The decoder's non-conditioning prompt is the pad point (label -1); memory_encoder takes a mask of the side.
    expect(Array.from(inputs.feeds.mask_decoder!.point_labels!.data as BigInt64Array | Int32Array, Number)).toEqual([
      -1,
    ]);
    expect(inputs.feeds.memory_encoder!.mask_for_mem!.dims).toEqual([1, 1, 512, 512]);
  }, 120_000);

  it("says when the loop ran on seeded parameters (no tracker-params.json), and the bank's positions change", async () => {
    const bare = join(dir, 'bare');
    await mkdir(bare, { recursive: true });
    for (const m of TRACKER_MODULES) await copyFile(join(dir, 'zoo', `${m}.onnx`), join(bare, `${m}.onnx`));
    const withParams = await buildModuleInputs(await findModuleFiles(join(dir, 'zoo')), { stack: 'ort-cpu', seed: 1 });
    const without = await buildModuleInputs(await findModuleFiles(bare), { stack: 'ort-cpu', seed: 1 });
    expect(without.notes.join('\n')).toMatch(/no tracker-params.json/);
    expect(withParams.notes.join('\n')).not.toMatch(/no tracker-params.json/);
    const a = withParams.feeds.memory_attention!.memory_pos!.data as Float32Array;
    const b = without.feeds.memory_attention!.memory_pos!.data as Float32Array;
    expect(a.length).toBe(b.length);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  }, 120_000);

  it('without all four modules: image_encoder gets the preprocessed frame, the others seeded values, with a note', async () => {
    const files = await findModuleFiles(join(dir, 'zoo'));
    const inputs = await buildModuleInputs(
      { image_encoder: files.image_encoder!, mask_decoder: files.mask_decoder! },
      { stack: 'ort-cpu', seed: 1 },
    );
    const frame = [...syntheticFrames(1, 1, 512, 512)][0]!;
    const expected = new Preprocessor().fromRgb(frame.image);
    expect(maxAbsDiff(inputs.feeds.image_encoder!.image!.data as Float32Array, expected)).toBe(0);
    expect(Object.keys(inputs.feeds).sort()).toEqual(['image_encoder', 'mask_decoder']);
    expect(inputs.notes.join('\n')).toMatch(/mask_decoder: seeded generated values/);
  }, 60_000);
});
