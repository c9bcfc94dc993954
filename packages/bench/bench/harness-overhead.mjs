#!/usr/bin/env node
// Harness overhead: bench's per-module latency on ort-cpu against a bare loop of `session.run` on the same
// session and the same inputs, in the same process, in many short alternating rounds (so drift hits both alike).
// Goal: within 2%. Writes reports/harness-overhead.json and prints a table.
//
//   npm run bench:overhead -- [--models DIR|FILE] [--iterations N] [--rounds R] [--threads T] [--out FILE]
// Without --models it builds a small attention-like model (MatMul -> Softmax -> MatMul) in a temp directory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  collectEnvironment,
  computeLatencyStats,
  createRunner,
  encodeTinyModel,
  findModels,
  generateFeeds,
  measureRunner,
  moduleName,
  resolveInputShapes,
} from '@tamkit/bench';
import { median, quantile, writeFileAtomic } from '@tamkit/common';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    iterations: { type: 'string', default: '25' },
    rounds: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '20' },
    threads: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../reports/harness-overhead.json', import.meta.url)) },
  },
});
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const threads = values.threads === undefined ? undefined : Number(values.threads);

/** A stand-in module until the zoo lands: scores = softmax(q @ k), out = scores @ v with 512 tokens of width 256. */
async function defaultModel() {
  const dir = await mkdtemp(join(tmpdir(), 'tamkit-overhead-'));
  const path = join(dir, 'attention_block.onnx');
  await writeFile(
    path,
    encodeTinyModel({
      inputs: [
        { name: 'q', elemType: 1, dims: [512, 256] },
        { name: 'k', elemType: 1, dims: [256, 512] },
        { name: 'v', elemType: 1, dims: [512, 256] },
      ],
      outputs: [{ name: 'out', elemType: 1, dims: [512, 256] }],
      nodes: [
        { opType: 'MatMul', inputs: ['q', 'k'], outputs: ['logits'] },
        { opType: 'Softmax', inputs: ['logits'], outputs: ['scores'], intAttributes: { axis: -1 } },
        { opType: 'MatMul', inputs: ['scores', 'v'], outputs: ['out'] },
      ],
    }),
  );
  return { models: [path], cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function bareLoop(session, feeds, count) {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - start);
  }
  return samples;
}

const percentileOf = (xs, p) => quantile(xs, p / 100);

/**
 * Many short rounds, alternating which side goes first (A B B A ...): on a shared or throttling machine the
 * speed drifts by far more than 2% within seconds, and only a per-round ratio of neighbours cancels that drift.
 */
async function compare(runner, feeds, shapes, perRound = iterations) {
  for (let i = 0; i < warmup; i += 1) await runner.session.run(feeds);
  const ratios = [];
  const bareP50 = [];
  const benchP50 = [];
  for (let round = 0; round < rounds; round += 1) {
    const runBare = async () => computeLatencyStats(await bareLoop(runner.session, feeds, perRound));
    const runBench = async () =>
      (await measureRunner(runner, feeds, { warmupIterations: 0, iterations: perRound }, shapes)).latency;
    let bare;
    let bench;
    if (round % 2 === 0) {
      bare = await runBare();
      bench = await runBench();
    } else {
      bench = await runBench();
      bare = await runBare();
    }
    bareP50.push(bare.p50Ms);
    benchP50.push(bench.p50Ms);
    ratios.push(bench.p50Ms / bare.p50Ms);
  }
  return { ratios, bareP50, benchP50 };
}

const source = values.models
  ? { models: await findModels(values.models), cleanup: async () => {} }
  : await defaultModel();
const results = [];
try {
  for (const model of source.models) {
    const runner = createRunner('ort-cpu', threads === undefined ? {} : { threads });
    await runner.activate(model);
    try {
      const resolved = resolveInputShapes(runner.inputs);
      const feeds = await generateFeeds(runner.inputs, resolved, 0);
      const { ratios, bareP50, benchP50 } = await compare(runner, feeds, resolved.shapes);
      results.push({
        module: moduleName(model),
        modelPath: resolve(model),
        rounds,
        iterationsPerRound: iterations,
        bareP50Ms: median(bareP50),
        benchP50Ms: median(benchP50),
        /** Median over rounds of (bench p50 / bare p50 - 1), in percent: the headline number. */
        overheadPct: (median(ratios) - 1) * 100,
        /** Spread of the per-round overhead (p10..p90), in percent: how far this machine lets us see. */
        overheadP10Pct: (percentileOf(ratios, 10) - 1) * 100,
        overheadP90Pct: (percentileOf(ratios, 90) - 1) * 100,
        perRoundRatios: ratios,
      });
    } finally {
      await runner.deactivate();
    }
  }
} finally {
  await source.cleanup();
}

// The harness's own cost per call, in microseconds, on a one-node model where session.run is a few microseconds:
// divided by a module's latency it bounds the relative overhead, and it is far less sensitive to machine noise.
async function absoluteCostUs() {
  const dir = await mkdtemp(join(tmpdir(), 'tamkit-overhead-tiny-'));
  const path = join(dir, 'relu.onnx');
  await writeFile(
    path,
    encodeTinyModel({
      inputs: [{ name: 'x', elemType: 1, dims: [1, 16] }],
      outputs: [{ name: 'y', elemType: 1, dims: [1, 16] }],
      nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }),
  );
  const runner = createRunner('ort-cpu', { threads: 1 });
  await runner.activate(path);
  try {
    const resolved = resolveInputShapes(runner.inputs);
    const feeds = await generateFeeds(runner.inputs, resolved, 0);
    const { bareP50, benchP50 } = await compare(runner, feeds, resolved.shapes, 200);
    const deltas = bareP50.map((b, i) => (benchP50[i] - b) * 1000);
    return { bareP50Us: median(bareP50) * 1000, benchP50Us: median(benchP50) * 1000, harnessCostUs: median(deltas) };
  } finally {
    await runner.deactivate();
    await rm(dir, { recursive: true, force: true });
  }
}
const perCall = await absoluteCostUs();
for (const r of results) r.harnessCostPct = (perCall.harnessCostUs / 1000 / r.bareP50Ms) * 100;

const report = {
  kind: 'tamkit-harness-overhead',
  createdAt: new Date().toISOString(),
  goalPct: 2,
  environment: await collectEnvironment(threads === undefined ? {} : { threads }),
  perCallHarnessCost: perCall,
  results,
};
await writeFileAtomic(values.out, `${JSON.stringify(report, null, 2)}\n`);

const rows = [['module', 'bare p50 ms', 'bench p50 ms', 'overhead', 'round spread p10..p90', 'within 2%']];
for (const r of results) {
  rows.push([
    r.module,
    r.bareP50Ms.toFixed(4),
    r.benchP50Ms.toFixed(4),
    `${r.overheadPct.toFixed(2)}%`,
    `${r.overheadP10Pct.toFixed(1)}%..${r.overheadP90Pct.toFixed(1)}%`,
    Math.abs(r.overheadPct) <= 2 ? 'yes' : 'NO',
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
console.log(
  `\nharness cost per call (one-node model): ${perCall.harnessCostUs.toFixed(2)} us ` +
    `(bare ${perCall.bareP50Us.toFixed(1)} us, bench ${perCall.benchP50Us.toFixed(1)} us); ` +
    results.map((r) => `${r.module}: ${r.harnessCostPct.toFixed(3)}% of its latency`).join(', '),
);
console.log(
  `\n${report.environment.cpu.model} x${report.environment.cpu.cores}, node ${report.environment.node}, onnxruntime ${report.environment.onnxruntime}; written to ${values.out}`,
);
