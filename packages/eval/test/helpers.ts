import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '@tamkit/common/cli';
import type { Box } from '../src/lasot/boxes.js';

/** A fresh temporary folder. */
export function tempDir(prefix = 'tamkit-eval-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes one LaSOT sequence folder (nested layout) with the given ground truth and flags. */
export async function writeSequence(
  root: string,
  name: string,
  groundTruth: Box[],
  flags: { fullOcclusion?: number[]; outOfView?: number[] } = {},
): Promise<string> {
  const className = name.replace(/-\d+$/, '');
  const dir = join(root, className, name);
  await mkdir(join(dir, 'img'), { recursive: true });
  await writeFile(join(dir, 'groundtruth.txt'), `${groundTruth.map((b) => b.join(',')).join('\n')}\n`);
  if (flags.fullOcclusion) await writeFile(join(dir, 'full_occlusion.txt'), `${flags.fullOcclusion.join(',')}\n`);
  if (flags.outOfView) await writeFile(join(dir, 'out_of_view.txt'), `${flags.outOfView.join(',')}\n`);
  await writeFile(join(dir, 'nlp.txt'), `the ${className}\n`);
  return dir;
}

/** CLI output captured in memory. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}
