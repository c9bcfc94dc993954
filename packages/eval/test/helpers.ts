import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '@tamkit/common/cli';
import { type Box, boxAt } from '../src/lasot/boxes.js';
import type { LasotSequence } from '../src/lasot/dataset.js';
import type { SequenceTracker, TrackerFrame } from '../src/run/tracker.js';

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

/**
 * Test double standing in for bench's tracking loop (exercised for real in lasot-bench-tracker.test.ts): an
 * "oracle" that answers each frame with the ground-truth box shifted by `shift` px, and records its calls.
 */
export function oracleTracker(sequences: LasotSequence[], shift = 0): SequenceTracker & { calls: string[] } {
  const byDir = new Map(sequences.map((s) => [s.dir, s]));
  const calls: string[] = [];
  const answer = (frame: TrackerFrame): Box => {
    const seq = [...byDir.values()].find((s) => frame.path.startsWith(s.dir))!;
    const [x, y, w, h] = boxAt(seq.groundTruth, frame.index);
    return [x + shift, y, w, h];
  };
  return {
    calls,
    init: async (frame, box, next) => {
      calls.push(`init ${frame.path.split('/').at(-3)} ${box.join(',')} next ${next?.index}`);
      return { box };
    },
    track: async (frame, next) => {
      calls.push(`track ${frame.index} next ${next?.index}`);
      return { box: answer(frame) };
    },
  };
}
