import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNotSameFile, readRegularFile, writeFileAtomic, writeFilesAtomic } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'common-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent directories and leaves no temporary file behind', async () => {
    const path = join(dir, 'a', 'b', 'out.md');
    await writeFileAtomic(path, 'hello');
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.md']);
  });

  it('writes byte chunks in order without joining them first, and replaces an existing file', async () => {
    const path = join(dir, 'chunks.bin');
    await writeFile(path, 'old content that is longer');
    const chunks = [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5, 6)];
    await writeFileAtomic(path, chunks);
    expect([...(await readFile(path))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(dir)).toEqual(['chunks.bin']);
  });

  it('BAD CALL - fails with WRITE_FAILED naming the file and keeps the previous file when the target cannot be replaced', async () => {
    const target = join(dir, 'target');
    await writeFile(join(dir, 'keep'), 'old');
    // A directory cannot be renamed over by a file: the write fails after the temporary file was written.
    await mkdir(target);
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringContaining(target),
    });
    expect((await readdir(dir)).sort()).toEqual(['keep', 'target']);
    expect(await readFile(join(dir, 'keep'), 'utf8')).toBe('old');
  });

  it('writeFilesAtomic writes every file in order and returns their paths', async () => {
    const files = [
      { path: join(dir, 'x.txt'), data: 'x' },
      { path: join(dir, 'sub', 'y.txt'), data: Uint8Array.of(121) },
    ];
    expect(await writeFilesAtomic(files)).toEqual(files.map((f) => f.path));
    expect(await readFile(join(dir, 'sub', 'y.txt'), 'utf8')).toBe('y');
  });
});

describe('assertNotSameFile', () => {
  it('BAD CALL - refuses an output that resolves to the input', () => {
    expect(() => assertNotSameFile(join(dir, 'm.onnx'), join(dir, '.', 'm.onnx'))).toThrow(
      expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }),
    );
    expect(() => assertNotSameFile(join(dir, 'm.onnx'), join(dir, 'n.onnx'))).not.toThrow();
  });
});

describe('readRegularFile', () => {
  it('reads a file whole, byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 3 * 2 ** 20 + 7 }, (_, i) => (i * 2654435761) >>> 24));
    await writeFile(join(dir, 'a.bin'), data);
    expect((await readRegularFile(join(dir, 'a.bin'), 'test file')).equals(data)).toBe(true);
  });

  it('reads a large file, whose slices are read at once, byte for byte', async () => {
    // From 16 MiB a read is split into slices of at least 8 MiB (one per core, up to 4); an odd length leaves an
    // uneven last slice.
    const data = Buffer.from(Array.from({ length: 17 * 2 ** 20 + 12345 }, (_, i) => (i * 2654435761) >>> 24));
    await writeFile(join(dir, 'large.bin'), data);
    expect((await readRegularFile(join(dir, 'large.bin'), 'test file')).equals(data)).toBe(true);
  });

  it('reads an empty file as no bytes', async () => {
    await writeFile(join(dir, 'empty'), '');
    expect((await readRegularFile(join(dir, 'empty'), 'test file')).byteLength).toBe(0);
  });

  it('reads a file that reports size 0 but has content (/proc) to its end', async (ctx) => {
    if (!existsSync('/proc/version')) {
      console.log('skipped: no /proc/version (not Linux)');
      ctx.skip();
    }
    const expected = readFileSync('/proc/version');
    expect(expected.byteLength).toBeGreaterThan(0);
    expect((await readRegularFile('/proc/version', 'kernel version')).equals(expected)).toBe(true);
  });
});
