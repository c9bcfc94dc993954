#!/usr/bin/env node
// Scoring speed on a LaSOT-sized workload: the 280 sequences of the official test split, 2,500 frames each,
// ground truth with absent stretches and a noisy tracker's results, written as real files. Times the whole
// `track-eval score` path (list, read, parse, score, aggregate) and the in-memory scoring alone, for both
// conventions; the target is under 5 s for the whole path. Writes reports/score-speed.json and prints a table.
// Run with `npm run bench:score` (builds the package first).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, SeededRandom } from '@tamkit/common';
import {
  absentFlags,
  aggregateScores,
  loadSequence,
  openLasotDataset,
  readOfficialTestSplit,
  readResultFile,
  resultPath,
  scoreResults,
  scoreSequence,
} from '../dist/index.js';

const FRAMES = 2500;
const REPEATS = 5;
const TARGET_MS = 5000;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Deterministic pseudo-random numbers so every run scores the same files.
const generator = new SeededRandom(12345);
const random = () => generator.next();

async function writeWorkload(root, names) {
  const gtRoot = join(root, 'gt');
  const resultsDir = join(root, 'results');
  await mkdir(resultsDir, { recursive: true });
  for (const name of names) {
    const dir = join(gtRoot, name.replace(/-\d+$/, ''), name);
    await mkdir(dir, { recursive: true });
    const gt = [];
    const pred = [];
    const full = [];
    const out = [];
    let x = 200;
    let y = 150;
    for (let i = 0; i < FRAMES; i++) {
      x += (random() - 0.5) * 6;
      y += (random() - 0.5) * 6;
      const absent = i > 0 && i % 500 >= 480; // 4 % of frames absent, in stretches of 20
      full.push(absent && i % 1000 < 500 ? 1 : 0);
      out.push(absent && i % 1000 >= 500 ? 1 : 0);
      gt.push(absent ? '0,0,0,0' : `${Math.round(x)},${Math.round(y)},80,60`);
      const lost = random() < 0.05;
      // A lost target is written as an empty box, which both conventions accept (pytracking rejects NaN).
      pred.push(
        lost
          ? '0\t0\t0\t0'
          : `${(x + (random() - 0.5) * 20).toFixed(2)}\t${(y + (random() - 0.5) * 20).toFixed(2)}\t${(80 * (0.8 + random() * 0.4)).toFixed(2)}\t60`,
      );
    }
    await writeFile(join(dir, 'groundtruth.txt'), `${gt.join('\n')}\n`);
    await writeFile(join(dir, 'full_occlusion.txt'), `${full.join(',')}\n`);
    await writeFile(join(dir, 'out_of_view.txt'), `${out.join(',')}\n`);
    await writeFile(join(resultsDir, `${name}.txt`), `${pred.join('\n')}\n`);
  }
  return { gtRoot, resultsDir };
}

async function time(fn) {
  const samples = [];
  let result;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    result = await fn();
    samples.push(performance.now() - start);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), result };
}

const names = await readOfficialTestSplit();
const root = await mkdtemp(join(tmpdir(), 'tamkit-score-speed-'));
try {
  const { gtRoot, resultsDir } = await writeWorkload(root, names);
  const rows = [];
  for (const convention of ['lasot', 'pytracking']) {
    const full = await time(() => scoreResults({ groundTruthRoot: gtRoot, resultsDir, split: names, convention }));
    const dataset = await openLasotDataset(gtRoot, { split: names });
    const sequences = await Promise.all(dataset.sequences.map(loadSequence));
    const predictions = await Promise.all(sequences.map((s) => readResultFile(resultPath(resultsDir, s.name))));
    const inMemory = await time(() =>
      aggregateScores(
        sequences.map((s, i) =>
          scoreSequence(
            { name: s.name, predicted: predictions[i], groundTruth: s.groundTruth, absent: absentFlags(s) },
            convention,
          ),
        ),
        convention,
      ),
    );
    rows.push({
      convention,
      sequences: names.length,
      frames: names.length * FRAMES,
      endToEndMs: full.medianMs,
      scoringOnlyMs: inMemory.medianMs,
      auc: inMemory.result.auc,
    });
  }
  const endToEnd = Math.max(...rows.map((r) => r.endToEndMs));
  const report = {
    kind: 'tamkit-eval-score-speed',
    schemaVersion: 1,
    date: new Date().toISOString(),
    node: process.version,
    cpu: { model: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    repeats: REPEATS,
    statistic: 'median',
    targetMs: TARGET_MS,
    withinTarget: endToEnd < TARGET_MS,
    note: 'endToEndMs: openLasotDataset + read + parse + score + aggregate of 280 x 2500-frame sequences from disk (page cache warm after the first repeat); scoringOnlyMs: scoreSequence + aggregateScores on parsed arrays.',
    rows,
  };
  await mkdir(join(repoRoot, 'reports'), { recursive: true });
  await writeFile(join(repoRoot, 'reports', 'score-speed.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `Scoring ${names.length} sequences x ${FRAMES} frames (median of ${REPEATS}, ${report.cpu.model}, ${report.cpu.cores} cores)`,
  );
  console.log('| convention | end to end (read + score) ms | scoring only ms | AUC |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.convention} | ${r.endToEndMs.toFixed(0)} | ${r.scoringOnlyMs.toFixed(0)} | ${r.auc.toFixed(4)} |`,
    );
  }
  console.log(
    `target < ${TARGET_MS} ms end to end: ${report.withinTarget ? 'met' : 'NOT met'}; wrote reports/score-speed.json`,
  );
  if (!report.withinTarget) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
