/** `track-eval lasot` with bench's real tracking loop on the tiny zoo: results in LaSOT format, then scores. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { generateSyntheticDataset } from '../src/index.js';

let dir: string;
let zoo: string;
let root: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-lasot-bench-'));
  zoo = join(dir, 'zoo');
  root = join(dir, 'lasot');
  await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 3, outliers: false });
  await generateSyntheticDataset({ outDir: root, sequences: 2, frames: 5, seed: 4, width: 160, height: 120 });
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('track-eval lasot with the bench tracking loop', () => {
  it('tracks every sequence on ort-cpu, writes one 1-based box per frame, and scores the run', async () => {
    const out = join(dir, 'runs');
    const { io, out: stdout } = capture();
    const code = await main(
      ['lasot', '--root', root, '--models', zoo, '--stack', 'ort-cpu', '--out', out, '--json'],
      io,
    );
    expect(code).toBe(ExitCode.Ok);
    const files = (await readdir(out)).filter((f) => f.endsWith('.txt')).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      const lines = (await readFile(join(out, f), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(5);
      for (const line of lines) {
        const [x, y, w, h] = line.split(',').map(Number);
        // Either the empty box or a box inside the 160x120 frame, 1-based.
        const empty = x === 0 && y === 0 && w === 0 && h === 0;
        expect(empty || (x! >= 1 && y! >= 1 && x! + w! - 1 <= 160 && y! + h! - 1 <= 120)).toBe(true);
      }
    }
    const score = JSON.parse(stdout.join(''));
    expect(score.sequences).toBe(2);
    for (const key of ['auc', 'precision', 'normalizedPrecision']) {
      expect(score[key]).toBeGreaterThanOrEqual(0);
      expect(score[key]).toBeLessThanOrEqual(1);
    }
  }, 120_000);

  it('BAD CALL - a models folder without the four modules fails with exit 1 and a message naming it', async () => {
    const { io, err } = capture();
    const code = await main(
      ['lasot', '--root', root, '--models', root, '--stack', 'ort-cpu', '--out', join(dir, 'x')],
      io,
    );
    expect(code).toBe(ExitCode.Failure);
    expect(err.join('')).toContain(root);
  }, 60_000);
});
