/** The zoo writes tracker-params.json in the format the tracking loop reads. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { readTrackerParams } from '../src/tracker/tracker-params.js';

describe('tracker parameters from the zoo', () => {
  it('reads the tiny zoo tracker-params.json with the widths of its modules', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-zoo-params-'));
    try {
      await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
      const params = await readTrackerParams(dir);
      expect(params).toBeDefined();
      expect(params!.noMemEmbed.length).toBe(32);
      expect(params!.maskmemTposEnc.length).toBe(7 * 16);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
