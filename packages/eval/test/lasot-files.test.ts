import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attributesFromFlags, parseAttributeTable } from '../src/lasot/attributes.js';
import { fromBoxSeries, toBoxSeries } from '../src/lasot/boxes.js';
import { absentFlags, framePath, loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import { readResultFile, resultPath, writeResultFile } from '../src/lasot/results.js';
import { readOfficialTestSplit, readSplitFile } from '../src/lasot/split.js';
import { formatBoxText, parseBoxText, parseFlagText } from '../src/lasot/text-format.js';
import { tempDir, writeSequence } from './helpers.js';

describe('box text files', () => {
  it('reads comma, tab and space separated boxes alike', () => {
    const boxes = parseBoxText('1,2,3,4\n5\t6\t7\t8\n9 10  11 12\n', { source: 't' });
    expect(fromBoxSeries(boxes)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
  });

  it('keeps nan tokens as NaN and ignores trailing blank lines', () => {
    const boxes = parseBoxText('1,2,3,4\r\nnan,NaN,nan,nan\n\n\n', { source: 't' });
    expect(boxes.length).toBe(8);
    expect(Number.isNaN(boxes[4]!)).toBe(true);
  });

  it('BAD CALL - names the file and line of a malformed box', () => {
    expect(() => parseBoxText('1,2,3,4\n1,2,3\n', { source: 'a.txt' })).toThrow(/a\.txt:2: expected 4 numbers/);
    expect(() => parseBoxText('1,2,3,x\n', { source: 'a.txt' })).toThrow(/a\.txt:1: "x" is not a number/);
    // A blank line inside the file would shift every later frame.
    expect(() => parseBoxText('1,2,3,4\n\n1,2,3,4\n', { source: 'a.txt' })).toThrow(/a\.txt:2/);
  });

  it('writes what it reads, integers unchanged', () => {
    const text = '1,2,3,4\n10.5,20.25,30,40\n';
    expect(formatBoxText(parseBoxText(text, { source: 't' }))).toBe(text);
  });

  it('reads a one-row comma-separated flag file', () => {
    expect(Array.from(parseFlagText('0,0,1,1,0\n', { source: 'f' }))).toEqual([0, 0, 1, 1, 0]);
    expect(() => parseFlagText('0,2', { source: 'f' })).toThrow(/value 2 is "2"/);
  });
});

describe('LaSOT dataset layout', () => {
  it('finds nested <class>/<class>-<n> and flat <class>-<n> sequences', async () => {
    const root = await tempDir();
    await writeSequence(root, 'cat-1', [[1, 1, 5, 5]]);
    await writeSequence(root, 'cat-2', [[1, 1, 5, 5]]);
    await writeSequence(join(root, '..', `${root.split('/').pop()}-flat`), 'dog-3', [[1, 1, 5, 5]]);
    const nested = await openLasotDataset(root);
    expect(nested.sequences.map((s) => [s.name, s.className])).toEqual([
      ['cat-1', 'cat'],
      ['cat-2', 'cat'],
    ]);
    const flatRoot = `${root}-flat/dog`;
    const flat = await openLasotDataset(flatRoot);
    expect(flat.sequences.map((s) => [s.name, s.className])).toEqual([['dog-3', 'dog']]);
  });

  it('loads ground truth, flags and description, and marks absent frames', async () => {
    const root = await tempDir();
    await writeSequence(
      root,
      'cat-1',
      [
        [1, 1, 5, 5],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      { fullOcclusion: [0, 1, 0], outOfView: [0, 0, 1] },
    );
    const [entry] = (await openLasotDataset(root)).sequences;
    const seq = await loadSequence(entry!);
    expect(seq.frames).toBe(3);
    expect(seq.description).toBe('the cat');
    expect(Array.from(absentFlags(seq)!)).toEqual([0, 1, 1]);
    expect(framePath(seq, 0)).toBe(join(seq.dir, 'img', '00000001.jpg'));
  });

  it('BAD CALL - lists the split sequences missing from the root', async () => {
    const root = await tempDir();
    await writeSequence(root, 'cat-1', [[1, 1, 5, 5]]);
    await expect(openLasotDataset(root, { split: ['cat-1', 'cat-9'] })).rejects.toThrow(/missing under .*: cat-9/);
  });

  it('BAD CALL - rejects a flag file whose length differs from the ground truth', async () => {
    const root = await tempDir();
    await writeSequence(root, 'cat-1', [[1, 1, 5, 5]], { fullOcclusion: [0, 0] });
    const [entry] = (await openLasotDataset(root)).sequences;
    await expect(loadSequence(entry!)).rejects.toThrow(/2 values for 1 frames/);
  });
});

describe('split lists', () => {
  it('ships the official test split: 280 distinct sequences, 4 of each of 70 classes', async () => {
    const names = await readOfficialTestSplit();
    expect(names.length).toBe(280);
    expect(new Set(names).size).toBe(280);
    const perClass = new Map<string, number>();
    for (const n of names) perClass.set(n.replace(/-\d+$/, ''), (perClass.get(n.replace(/-\d+$/, '')) ?? 0) + 1);
    expect(perClass.size).toBe(70);
    expect([...perClass.values()].every((c) => c === 4)).toBe(true);
  });

  it('reads a user split, skipping comments and blank lines', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 's.txt'), '# mine\ncat-1\n\ncat-2 # second\n');
    expect(await readSplitFile(join(dir, 's.txt'))).toEqual(['cat-1', 'cat-2']);
  });
});

describe('result files', () => {
  it('writes <sequence>.txt atomically and reads it back', async () => {
    const dir = await tempDir();
    const path = resultPath(dir, 'cat-1');
    await writeResultFile(path, toBoxSeries([[1.5, 2, 3, 4]]));
    expect(await readFile(path, 'utf8')).toBe('1.5,2,3,4\n');
    expect(Array.from((await readResultFile(path))!)).toEqual([1.5, 2, 3, 4]);
    expect(await readResultFile(resultPath(dir, 'none'))).toBeUndefined();
  });
});

describe('attributes', () => {
  it('parses a sequence-attribute table', () => {
    const m = parseAttributeTable('sequence,IV,POC\ncat-1,1,0\ncat-2,1,1\n', 'attr.csv');
    expect([...m.get('IV')!]).toEqual(['cat-1', 'cat-2']);
    expect([...m.get('POC')!]).toEqual(['cat-2']);
    expect(() => parseAttributeTable('sequence,IV\ncat-1,1,0\n', 'attr.csv')).toThrow(/row 2 has 3 columns/);
  });

  it('derives full occlusion and out of view from any flagged frame', () => {
    const base = { className: 'c', dir: '', groundTruth: new Float64Array(8), description: undefined, frames: 2 };
    const m = attributesFromFlags([
      { ...base, name: 'c-1', fullOcclusion: Uint8Array.of(0, 1), outOfView: Uint8Array.of(0, 0) },
      { ...base, name: 'c-2', fullOcclusion: undefined, outOfView: Uint8Array.of(1, 0) },
    ]);
    expect([...m.get('full occlusion')!]).toEqual(['c-1']);
    expect([...m.get('out of view')!]).toEqual(['c-2']);
  });
});
