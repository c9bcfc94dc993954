#!/usr/bin/env node
// What one module run costs on a stack besides its arithmetic: the loop's modules are each one `session.run`, so
// before merging graphs to save runs, measure what a run costs. Models of one cheap op (Neg) fed 4 B, 1 MB and
// 3.7 MB (the memory bank's size) separate the fixed cost of a run from the cost per megabyte of its host copies;
// a chain of 100 Negs on 4 B gives the cost of one more kernel. Each is measured on the stack's runner on this
// thread and in a worker thread (ThreadedRunner, as the loop's encoder-ahead and memory-early modules run), one
// intra-op thread without spinning (the loop's GPU-stack settings), rounds interleaved. Writes
// reports/run-cost.json and prints a table.
//
//   node packages/bench/bench/run-cost.mjs [--stack ort-cuda] [--rounds 7] [--iterations 200] [--out FILE]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectEnvironment, createRunnerWith, encodeTinyModel } from '@tamkit/bench';
import { median, writeFileAtomic } from '@tamkit/common';
import { printTable } from '../../../scripts/lib/report.mjs';
import { loadOrt } from '../dist/stacks/ort/load-ort.js';
import { ThreadedRunner } from '../dist/stacks/threaded/threaded-runner.js';

const { values } = parseArgs({
  options: {
    stack: { type: 'string', default: 'ort-cpu' },
    rounds: { type: 'string', default: '7' },
    iterations: { type: 'string', default: '200' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../reports/run-cost.json', import.meta.url)) },
  },
});
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);

/** out = -x through `chain` Neg nodes, on `elements` floats. */
const negModel = (elements, chain) =>
  encodeTinyModel({
    inputs: [{ name: 'x', elemType: 1, dims: [elements] }],
    outputs: [{ name: `y${chain - 1}`, elemType: 1, dims: [elements] }],
    nodes: Array.from({ length: chain }, (_, i) => ({
      opType: 'Neg',
      inputs: [i === 0 ? 'x' : `y${i - 1}`],
      outputs: [`y${i}`],
    })),
  });

const cases = [
  { name: 'one kernel, 4 B in and out', elements: 1, chain: 1 },
  { name: 'one kernel, 1 MB in and out', elements: 262_144, chain: 1 },
  { name: 'one kernel, 3.7 MB in and out', elements: 925_696, chain: 1 },
  { name: '100 kernels, 4 B in and out', elements: 1, chain: 100 },
];
const settings = { threads: 1, allowSpinning: false, crashProbe: false };
const dir = await mkdtemp(join(tmpdir(), 'tamkit-run-cost-'));
const ort = await loadOrt();
const rows = [];
try {
  const runners = [];
  for (const c of cases) {
    const path = join(dir, `neg-${c.elements}-${c.chain}.onnx`);
    await writeFile(path, negModel(c.elements, c.chain));
    const feeds = { x: new ort.Tensor('float32', new Float32Array(c.elements).fill(1), [c.elements]) };
    for (const where of ['this thread', 'worker thread']) {
      const runner =
        where === 'this thread' ? createRunnerWith(values.stack, settings) : new ThreadedRunner(values.stack, settings);
      await runner.activate(path);
      for (let i = 0; i < 20; i += 1) await runner.infer(feeds);
      runners.push({ c, where, runner, feeds, p50s: [] });
    }
  }
  // Round robin, so that a drift of the machine falls on every case alike.
  for (let round = 0; round < rounds; round += 1) {
    for (const r of runners) {
      const samples = [];
      for (let i = 0; i < iterations; i += 1) {
        const start = performance.now();
        await r.runner.infer(r.feeds);
        samples.push(performance.now() - start);
      }
      r.p50s.push(median(samples));
    }
  }
  for (const r of runners) {
    rows.push({ case: r.c.name, where: r.where, p50Us: median(r.p50s) * 1000, roundsUs: r.p50s.map((v) => v * 1000) });
    await r.runner.deactivate();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const p50 = (name, where) => rows.find((r) => r.case === name && r.where === where).p50Us;
const derived = ['this thread', 'worker thread'].map((where) => ({
  where,
  fixedUs: p50(cases[0].name, where),
  perMbUs: (p50(cases[2].name, where) - p50(cases[0].name, where)) / 3.7,
  perKernelUs: (p50(cases[3].name, where) - p50(cases[0].name, where)) / 99,
}));
const environment = await collectEnvironment();
await writeFileAtomic(
  values.out,
  `${JSON.stringify({ kind: 'tamkit-run-cost', stack: values.stack, rounds, iterations, environment, rows, derived }, null, 2)}\n`,
);
printTable(rows.map((r) => ({ case: r.case, where: r.where, 'p50 us (median of rounds)': r.p50Us.toFixed(1) })));
for (const d of derived) {
  console.log(
    `${values.stack}, ${d.where}: a run ${d.fixedUs.toFixed(0)} us, + ${d.perMbUs.toFixed(0)} us per MB in and out, + ${d.perKernelUs.toFixed(1)} us per kernel`,
  );
}
console.log(`wrote ${values.out}`);
