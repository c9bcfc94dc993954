import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { createCli, runCli } from '@tamkit/common/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { registerLasotCommand } from '../src/cli/lasot-command.js';
import { boxAt } from '../src/lasot/boxes.js';
import { loadSequence, openLasotDataset } from '../src/lasot/dataset.js';
import type { LasotScoreReport } from '../src/report/score-report.js';
import type { TrackerFactory } from '../src/run/tracker.js';
import { captureIo, tempDir } from './helpers.js';

let gt: string;
let results: string;
let flags: Map<string, number[]>;

beforeAll(async () => {
  gt = await tempDir();
  results = await tempDir();
  const io = captureIo();
  const code = await main(
    ['synth', '-o', gt, '--sequences', '2', '--frames', '80', '--seed', '5', '--width', '64', '--height', '48'],
    io,
  );
  expect(code).toBe(0);
  flags = new Map();
  for (const name of ['synth-1', 'synth-2']) {
    const dir = join(gt, 'synth', name);
    // The "tracker" here is the ground truth itself: a perfect tracker that also reports 0,0,0,0 when absent.
    await copyFile(join(dir, 'groundtruth.txt'), join(results, `${name}.txt`));
    const full = (await readFile(join(dir, 'full_occlusion.txt'), 'utf8')).trim().split(',').map(Number);
    const out = (await readFile(join(dir, 'out_of_view.txt'), 'utf8')).trim().split(',').map(Number);
    flags.set(
      name,
      full.map((f, i) => f | out[i]!),
    );
  }
});

async function scoreJson(args: string[]): Promise<LasotScoreReport> {
  const io = captureIo();
  const code = await main(['score', '--gt', gt, '--results', results, '--json', ...args], io);
  expect(io.stderr).toEqual([]);
  expect(code).toBe(0);
  return JSON.parse(io.stdout.join('')) as LasotScoreReport;
}

describe('track-eval score', () => {
  it.each([
    'lasot',
    'pytracking',
  ])('scores a perfect tracker as present-frame share x 20/21 (%s)', async (convention) => {
    const report = await scoreJson(['--convention', convention]);
    // Present frames have IoU 1 (success below threshold 1, error 0); absent frames fail every threshold.
    const present = [...flags.values()].map((f) => f.filter((a) => a === 0).length / f.length);
    const meanPresent = present.reduce((a, b) => a + b, 0) / present.length;
    expect(meanPresent).toBeLessThan(1); // the seed gives absent frames, so the test exercises them
    expect(report.sequences).toBe(2);
    expect(report.auc).toBeCloseTo((20 / 21) * meanPresent, 12);
    expect(report.precision).toBeCloseTo(meanPresent, 12);
    expect(report.normalizedPrecision).toBeCloseTo(meanPresent, 12);
    expect(report.miou).toBe(1);
    expect(report.perSequence.map((s) => s.name)).toEqual(['synth-1', 'synth-2']);
    expect(report.kind).toBe('tamkit-lasot-score');
  });

  it('scores only the sequences of --split and breaks scores down by attribute', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'split.txt'), 'synth-2\n');
    await writeFile(join(dir, 'attr.csv'), 'sequence,fast\nsynth-1,0\nsynth-2,1\n');
    const report = await scoreJson(['--split', join(dir, 'split.txt'), '--attributes', join(dir, 'attr.csv')]);
    expect(report.perSequence.map((s) => s.name)).toEqual(['synth-2']);
    const fast = report.attributes.find((a) => a.attribute === 'fast');
    expect(fast?.auc).toBe(report.auc);
  });

  it('BAD CALL - fails with a remedy when a result file is missing, and skips it with --skip-missing', async () => {
    const partial = await tempDir();
    await copyFile(join(results, 'synth-1.txt'), join(partial, 'synth-1.txt'));
    const io = captureIo();
    expect(await main(['score', '--gt', gt, '--results', partial], io)).toBe(ExitCode.Failure);
    expect(io.stderr.join('\n')).toMatch(/RESULT_NOT_FOUND.*synth-2[\s\S]*Note: .*--skip-missing/);
    const skipped = captureIo();
    expect(await main(['score', '--gt', gt, '--results', partial, '--skip-missing', '--json'], skipped)).toBe(0);
    expect(JSON.parse(skipped.stdout.join('')).missing).toEqual(['synth-2']);
  });

  it('uses toolkit absent files from --absent instead of the occlusion and out-of-view flags', async () => {
    // Marking every frame but the first absent leaves one success per sequence: AUC = (20/21) / 80.
    const absent = await tempDir();
    const rows = ['0', ...new Array(79).fill('1')].join('\n');
    await writeFile(join(absent, 'synth-1.txt'), `${rows}\n`);
    await writeFile(join(absent, 'synth-2.txt'), `${rows}\n`);
    const report = await scoreJson(['--absent', absent]);
    expect(report.auc).toBeCloseTo(20 / 21 / 80, 12);
  });

  it('BAD CALL - says so when the results folder does not exist', async () => {
    const io = captureIo();
    expect(await main(['score', '--gt', gt, '--results', join(results, 'nope')], io)).toBe(ExitCode.Failure);
    expect(io.stderr.join('')).toMatch(/RESULTS_NOT_FOUND.*nope does not exist/);
  });

  it('BAD CALL - rejects an unknown convention as a usage error', async () => {
    const io = captureIo();
    expect(await main(['score', '--gt', gt, '--results', results, '--convention', 'otb'], io)).toBe(ExitCode.Usage);
  });

  it('prints a readable summary without --json', async () => {
    const io = captureIo();
    expect(await main(['score', '--gt', gt, '--results', results, '--label', 'oracle'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/oracle: 2 sequences, lasot convention\n\s+AUC/);
  });
});

describe('track-eval report, merge and lasot', () => {
  it('writes plots and a summary comparing two score reports', async () => {
    const dir = await tempDir();
    for (const convention of ['lasot', 'pytracking']) {
      const io = captureIo();
      const args = ['score', '--gt', gt, '--results', results, '--label', convention, '--convention', convention];
      expect(await main([...args, '--out', join(dir, `${convention}.json`)], io)).toBe(0);
    }
    const out = join(dir, 'report');
    const io = captureIo();
    const code = await main(
      ['report', '--score', join(dir, 'lasot.json'), '--score', join(dir, 'pytracking.json'), '-o', out],
      io,
    );
    expect(code).toBe(0);
    const svg = await readFile(join(out, 'success.svg'), 'utf8');
    expect(svg.match(/<polyline /g)?.length).toBe(2);
    expect(svg).toContain('] pytracking</text>');
    const md = await readFile(join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(/\| lasot \| lasot \| 2 \|/);
    expect(md).toContain('![success.svg](success.svg)');
  });

  it('merges shard folders and exits 1 when the split is not covered', async () => {
    const out = await tempDir();
    const io = captureIo();
    const dir = await tempDir();
    await writeFile(join(dir, 'split.txt'), 'synth-1\nsynth-2\nsynth-3\n');
    const code = await main(['merge', results, '-o', out, '--split', join(dir, 'split.txt')], io);
    expect(code).toBe(1);
    expect(io.stderr.join('')).toContain('synth-3');
    expect(await readFile(join(out, 'synth-1.txt'), 'utf8')).toBe(await readFile(join(results, 'synth-1.txt'), 'utf8'));
  });

  it('lasot runs a wired tracker over the sequences, writes results and scores them', async () => {
    // Test double for bench's tracking loop (the real one is exercised in lasot-bench-tracker.test.ts): a tracker
    // answering each frame with the ground truth, so the score must equal the perfect-tracker score above.
    const sequences = await Promise.all((await openLasotDataset(gt)).sequences.map(loadSequence));
    const factory: TrackerFactory = async ({ stack }) => {
      expect(stack).toBe('oracle');
      let current = sequences[0]!;
      return {
        init: async (frame, box) => {
          current = sequences.find((s) => frame.path.startsWith(s.dir))!;
          return { box };
        },
        track: async (frame) => ({ box: boxAt(current.groundTruth, frame.index) }),
      };
    };
    const out = await tempDir();
    const io = captureIo();
    const argv = ['lasot', '--root', gt, '--models', gt, '--stack', 'oracle', '--out', out, '--json'];
    const code = await runCli(() => registerLasotCommand(createCli('track-eval', argv), io, factory), io);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as LasotScoreReport;
    const reference = await scoreJson([]);
    expect(report.auc).toBe(reference.auc);
    expect(await readFile(join(out, 'synth-1.txt'), 'utf8')).toBe(await readFile(join(results, 'synth-1.txt'), 'utf8'));
  });
});
