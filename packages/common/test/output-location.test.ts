import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputLocation, removeStaleTemps, writeFileAtomic } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'common-output-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** A pid that ran and is gone: a child that exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A folder this process cannot write: chmod 555 for a normal user; root ignores modes, so /sys (sysfs). */
async function unwritableFolder(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    const ro = join(dir, 'read-only');
    await mkdir(ro);
    await chmod(ro, 0o555);
    return ro;
  }
  const sys = await stat('/sys').catch(() => undefined);
  return sys?.isDirectory() ? '/sys' : undefined;
}

describe('checkOutputLocation', () => {
  it('accepts a new file in an existing or missing folder without creating anything', async () => {
    await checkOutputLocation(join(dir, 'out.onnx'));
    await checkOutputLocation(join(dir, 'new', 'deeper', 'out.onnx'));
    await checkOutputLocation(join(dir, 'zoo'), { kind: 'folder' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('BAD CALL - refuses a folder where a file goes, a file where a folder goes, and a path through a file', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'afile'), 'x');
    await expect(checkOutputLocation(join(dir, 'taken'), { flag: '-o' })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/-o .*taken is a folder; a file is written there/),
      remedy: expect.stringMatching(/Name a file/),
    });
    await expect(checkOutputLocation(join(dir, 'afile'), { kind: 'folder' })).rejects.toMatchObject({
      message: expect.stringMatching(/afile is a file; a folder is written there/),
    });
    await expect(checkOutputLocation(join(dir, 'afile', 'sub', 'x.onnx'))).rejects.toMatchObject({
      message: expect.stringMatching(/a part of the path is a file/),
    });
  });

  it('BAD CALL - refuses a folder this process cannot write, before any work', async (context) => {
    const folder = await unwritableFolder();
    if (!folder) {
      console.warn('skipped: running as root on a system without /sys, no folder here is unwritable');
      context.skip();
      return;
    }
    await expect(checkOutputLocation(join(folder, 'out.json'))).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(
        /cannot write .*out\.json: (permission denied|operation not permitted|the file system is read-only)/,
      ),
    });
  });

  it('removes the temps a killed run left for this output, never those of a running process', async () => {
    const dead = deadPid();
    const stale = `.out.onnx.${dead}.0123abcd.tmp`;
    const staleOther = `.other.onnx.${dead}.0123abcd.tmp`;
    const live = `.out.onnx.${process.pid}.89abcdef.tmp`;
    for (const name of [stale, staleOther, live]) await writeFile(join(dir, name), 'partial');
    await checkOutputLocation(join(dir, 'out.onnx'));
    expect((await readdir(dir)).sort()).toEqual([staleOther, live].sort());
    // A folder output: every stale temp inside it goes (e.g. the .synth-1 folder of a killed synth run).
    await mkdir(join(dir, `.synth-1.${dead}.00000000.tmp`));
    await checkOutputLocation(dir, { kind: 'folder' });
    expect(await readdir(dir)).toEqual([live]);
    expect(await removeStaleTemps(join(dir, 'missing'))).toEqual([]);
  });
});

describe('writeFileAtomic after a killed writer', () => {
  it('replaces the target and removes the stale temps of that target', async () => {
    const stale = `.report.json.${deadPid()}.deadbeef.tmp`;
    await writeFile(join(dir, stale), '{"partial":');
    await writeFileAtomic(join(dir, 'report.json'), '{}');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('BAD CALL - a folder in the way is WRITE_FAILED with what and how, not an internal error', async () => {
    await writeFile(join(dir, 'afile'), 'x');
    await expect(writeFileAtomic(join(dir, 'afile', 'x.json'), '{}')).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/a part of the path is a file/),
    });
  });
});
