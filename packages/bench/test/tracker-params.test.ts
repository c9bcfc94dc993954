import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTrackerParams,
  defaultTrackerParams,
  formatTrackerParams,
  parseTrackerParams,
  readTrackerParams,
  TRACKER_PARAMS_FILE,
} from '../src/tracker/tracker-params.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-params-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const validFile = (C: number, M: number) => ({
  format: 'tamkit-tracker-params',
  version: 1,
  no_mem_embed: { shape: [1, 1, C], data: Array.from({ length: C }, (_, i) => i / 10) },
  maskmem_tpos_enc: { shape: [7, 1, 1, M], data: Array.from({ length: 7 * M }, (_, i) => -i) },
});

describe('tracker-params.json', () => {
  it('round-trips through format and parse', () => {
    const params = defaultTrackerParams(8, 4, 5);
    const back = parseTrackerParams(formatTrackerParams(params, 8, 4), 'mem');
    expect(Array.from(back.noMemEmbed)).toEqual(Array.from(params.noMemEmbed));
    expect(Array.from(back.maskmemTposEnc)).toEqual(Array.from(params.maskmemTposEnc));
    expect([back.numMaskmem, back.maxObjPtrs, back.sigmoidScale, back.sigmoidBias]).toEqual([7, 16, 20, -10]);
  });

  it('gives the same seeded defaults for the same seed and different ones for another', () => {
    const a = defaultTrackerParams(16, 4, 1);
    expect(Array.from(defaultTrackerParams(16, 4, 1).noMemEmbed)).toEqual(Array.from(a.noMemEmbed));
    expect(Array.from(defaultTrackerParams(16, 4, 2).noMemEmbed)).not.toEqual(Array.from(a.noMemEmbed));
    expect(a.source).toMatch(/seeded defaults \(seed 1/);
  });

  it('reads the file from a models folder and says undefined when there is none', async () => {
    expect(await readTrackerParams(dir)).toBeUndefined();
    await writeFile(join(dir, TRACKER_PARAMS_FILE), JSON.stringify(validFile(4, 2)));
    const params = await readTrackerParams(dir);
    expect(params?.noMemEmbed.length).toBe(4);
    expect(params?.maskmemTposEnc[3]).toBe(-3);
    expect(params?.source).toBe(join(dir, TRACKER_PARAMS_FILE));
  });

  it('BAD CALL - rejects a wrong format, version, data length or row count, naming the file', () => {
    const cases: [object, RegExp][] = [
      [{ ...validFile(4, 2), format: 'other' }, /"format"/],
      [{ ...validFile(4, 2), version: 2 }, /version 2/],
      [{ ...validFile(4, 2), no_mem_embed: { shape: [1, 1, 4], data: [1, 2] } }, /2 values for shape \[1,1,4\]/],
      [{ ...validFile(4, 2), num_maskmem: 6 }, /needs 6 rows/],
    ];
    for (const [file, message] of cases) {
      const error = (() => {
        try {
          parseTrackerParams(JSON.stringify(file), 'models/tracker-params.json');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ToolkitError);
      expect((error as ToolkitError).message).toMatch(message);
      expect((error as ToolkitError).message).toMatch(/^models\/tracker-params\.json/);
      expect((error as ToolkitError).remedy).toMatch(/tracker-params\.json/);
    }
    expect(() => parseTrackerParams('{', 'x')).toThrow(/not JSON/);
  });

  it('BAD CALL - refuses parameters whose widths do not fit the models', () => {
    const params = parseTrackerParams(JSON.stringify(validFile(4, 2)), 'p.json');
    expect(() => checkTrackerParams(params, 4, 2)).not.toThrow();
    expect(() => checkTrackerParams(params, 8, 2)).toThrow(/no_mem_embed has 4 values; the image features have 8/);
    expect(() => checkTrackerParams(params, 4, 3)).toThrow(/maskmem_tpos_enc has 14 values/);
  });

  it('writes a file a human can read back with the documented keys', async () => {
    const text = formatTrackerParams(defaultTrackerParams(4, 2), 4, 2);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['format', 'version', 'no_mem_embed', 'maskmem_tpos_enc']),
    );
    await writeFile(join(dir, 'x.json'), text);
    expect(await readFile(join(dir, 'x.json'), 'utf8')).toBe(text);
  });
});
