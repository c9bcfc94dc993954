/** The memory bank built for fidelity and bisection carries the temporal encodings of tracker-params.json. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findModuleFiles } from '../src/fidelity/module-files.js';
import { buildModuleInputs } from '../src/fidelity/module-inputs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-tpos-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('memory bank inputs', () => {
  it('add tpos row 6 to the conditioning frame and rows 0..5 to the recent frames', async () => {
    const files = await findModuleFiles(join(dir, 'zoo'));
    const withParams = await buildModuleInputs(files, { stack: 'ort-cpu', seed: 1 });
    const tpos: number[] = JSON.parse(await readFile(join(dir, 'zoo', 'tracker-params.json'), 'utf8')).maskmem_tpos_enc
      .data;
    await rm(join(dir, 'zoo', 'tracker-params.json'));
    const without = await buildModuleInputs(files, { stack: 'ort-cpu', seed: 1 });
    expect(without.notes.join('\n')).toMatch(/no tracker-params.json/);
    expect(withParams.notes.join('\n')).not.toMatch(/no tracker-params.json/);
    const posName = Object.keys(withParams.feeds.memory_attention!).find((n) => /memory_pos/.test(n))!;
    const a = withParams.feeds.memory_attention![posName]!.data as Float32Array;
    const b = without.feeds.memory_attention![posName]!.data as Float32Array;
    const memDim = withParams.feeds.memory_attention![posName]!.dims[2]!;
    const hw = 32 * 32;
    // Frame 0 (conditioning, t_pos 0) gets row 6; recent frames 1..6 (t_pos 6..1) get rows 0..5; pointers none.
    const diff = (token: number, c: number) => a[token * memDim + c]! - b[token * memDim + c]!;
    for (let frame = 0; frame < 7; frame++) {
      const row = frame === 0 ? 6 : frame - 1;
      for (const token of [frame * hw, frame * hw + hw - 1]) {
        for (let c = 0; c < memDim; c++) expect(diff(token, c)).toBeCloseTo(tpos[row * memDim + c]!, 5);
      }
    }
    expect(diff(7 * hw, 0)).toBe(0);
  }, 120_000);
});
