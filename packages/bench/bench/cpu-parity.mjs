#!/usr/bin/env node
// CPU parity: bench's ort-cpu runner (onnxruntime-node) against ONNX Runtime's Python API on the CPU EP, on the
// same model files and the same input bytes, in the same call, with the same intra-op thread setting. Rounds
// alternate the order of the sides (drift on a shared machine hits all alike); p50 per module over every sample.
// Node variants: the ORT session settings bench can choose (spinning as ORT ships it, spinning stopped after
// each run as the tracking loop now runs, no spinning as the loop ran before). Without Python's onnxruntime
// (no PyPI here), it says so and compares the node variants only. Writes JSON (default reports/cpu-parity.json)
// and prints a table.
//
//   node packages/bench/bench/cpu-parity.mjs [--models DIR] [--size tiny|full] [--threads T] [--iterations N]
//        [--rounds R] [--warmup W] [--python PYTHON] [--out FILE]
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  collectEnvironment,
  createRunner,
  encodeFeeds,
  findModels,
  generateFeeds,
  moduleName,
  resolveInputShapes,
} from '@tamkit/bench';
import { quantile, writeFileAtomic } from '@tamkit/common';
import { writeZoo } from '@tamkit/graph-surgery';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    size: { type: 'string', default: process.env.TAMKIT_ZOO_SIZE ?? 'tiny' },
    threads: { type: 'string' },
    iterations: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '5' },
    python: { type: 'string', default: process.env.PYTHON ?? 'python3' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../reports/cpu-parity.json', import.meta.url)) },
  },
});
const threads = values.threads === undefined ? undefined : Number(values.threads);
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

/** Node variants: ORT session settings bench can run ort-cpu with. */
const NODE_VARIANTS = [
  { name: 'node: ORT defaults (spinning on)', options: {} },
  { name: 'node: spinning, stopped after each run', options: { allowSpinning: true, stopSpinningAfterRun: true } },
  { name: 'node: no spinning', options: { allowSpinning: false } },
];
/** Python variants: the API as users call it, and the loop's setting for a like-for-like check. */
const PYTHON_VARIANTS = [
  { name: 'python: ORT defaults (spinning on)', spinning: 'default' },
  { name: 'python: spinning, stopped after each run', spinning: 'run' },
];

/** A persistent Python worker (cpu_parity_worker.py), or the reason there is none. */
async function startPython() {
  const script = fileURLToPath(new URL('./cpu_parity_worker.py', import.meta.url));
  const child = spawn(values.python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise((done) => child.on('error', (e) => done({ error: e.message })));
  const first = await Promise.race([lines.next(), failed]);
  const hello = first?.value === undefined ? undefined : JSON.parse(first.value);
  if (!hello?.ready) {
    child.kill();
    const why = first?.error ?? stderr.trim().split('\n').at(-1) ?? 'no reply';
    return { available: false, reason: `${values.python} cannot run the worker: ${why}` };
  }
  const ask = async (request) => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const reply = JSON.parse((await lines.next()).value);
    if (reply.error) throw new Error(`python worker: ${reply.error}`);
    return reply;
  };
  return { available: true, versions: hello, ask, stop: () => child.stdin.end() };
}

const pct = (xs, p) => quantile(xs, p);
const work = await mkdtemp(join(tmpdir(), 'tamkit-cpu-parity-'));
try {
  let modelsDir = values.models;
  if (modelsDir === undefined) {
    modelsDir = join(work, 'zoo');
    await writeZoo(modelsDir, { model: 'efficienttam-ti', size: values.size, seed: 1 });
  }
  const models = await findModels(modelsDir);
  const python = await startPython();
  const threadOption = threads === undefined ? {} : { threads };
  const modules = [];
  for (const model of models) {
    const module = moduleName(model);
    const runners = NODE_VARIANTS.map((v) => createRunner('ort-cpu', { ...v.options, ...threadOption }));
    for (const r of runners) await r.activate(model);
    const feeds = await generateFeeds(runners[0].inputs, resolveInputShapes(runners[0].inputs), 0);
    const feedsFile = join(work, `${module}.feeds.bin`);
    await writeFile(feedsFile, encodeFeeds(feeds));
    if (python.available) {
      for (const v of PYTHON_VARIANTS) {
        await python.ask({
          op: 'load',
          module,
          model: resolve(model),
          feeds: feedsFile,
          variant: v.name,
          threads: threads ?? null,
          spinning: v.spinning,
        });
      }
    }
    modules.push({ module, model: resolve(model), runners, feeds });
  }
  const sides = [
    ...NODE_VARIANTS.map((v, i) => ({
      name: v.name,
      time: async (m, n) => {
        const samples = [];
        for (let k = 0; k < n; k += 1) {
          await m.runners[i].infer(m.feeds);
          samples.push(m.runners[i].lastInferenceMs);
        }
        return samples;
      },
    })),
    ...(python.available
      ? PYTHON_VARIANTS.map((v) => ({
          name: v.name,
          time: async (m, n) =>
            (await python.ask({ op: 'time', module: m.module, variant: v.name, iterations: n })).samples,
        }))
      : []),
  ];
  const samples = new Map(sides.map((s) => [s.name, new Map(modules.map((m) => [m.module, []]))]));
  for (const m of modules) for (const s of sides) await s.time(m, warmup);
  for (let round = 0; round < rounds; round += 1) {
    // A B C ... then ... C B A: each side's neighbours change, so drift within a round cancels in the medians.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const m of modules) {
      for (const s of order) {
        // A pause between sides: a pool left spinning by the previous side must not slow this one.
        await sleep(20);
        samples
          .get(s.name)
          .get(m.module)
          .push(...(await s.time(m, iterations)));
      }
    }
  }
  for (const m of modules) for (const r of m.runners) await r.deactivate();
  python.stop?.();

  const rows = sides.map((s) => {
    const perModule = Object.fromEntries(
      modules.map((m) => {
        const xs = samples.get(s.name).get(m.module);
        return [m.module, { p50Ms: pct(xs, 0.5), p10Ms: pct(xs, 0.1), p90Ms: pct(xs, 0.9), samples: xs.length }];
      }),
    );
    const sumP50Ms = Object.values(perModule).reduce((a, b) => a + b.p50Ms, 0);
    return { variant: s.name, perModule, sumP50Ms };
  });
  const baseline = rows.find((r) => r.variant.startsWith('python: ORT defaults')) ?? rows[0];
  for (const r of rows) r.vsBaseline = r.sumP50Ms / baseline.sumP50Ms;
  const report = {
    kind: 'tamkit-cpu-parity',
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    environment: await collectEnvironment(threadOption),
    settings: {
      intraOpThreads: threads ?? 'ONNX Runtime default (one per physical core) on both sides',
      iterationsPerRound: iterations,
      rounds,
      warmup,
      models: resolve(modelsDir),
      zooSize: values.models === undefined ? values.size : undefined,
      baseline: baseline.variant,
    },
    python: python.available ? { available: true, ...python.versions } : { available: false, reason: python.reason },
    results: rows,
  };
  await writeFileAtomic(values.out, `${JSON.stringify(report, null, 2)}\n`);

  const names = modules.map((m) => m.module);
  const head = ['variant', ...names, 'sum p50', `vs ${baseline.variant.split(':')[0]}`];
  console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
  for (const r of rows) {
    const cells = names.map((n) => r.perModule[n].p50Ms.toFixed(2));
    console.log(`| ${r.variant} | ${cells.join(' | ')} | ${r.sumP50Ms.toFixed(2)} | ${r.vsBaseline.toFixed(3)} |`);
  }
  if (!python.available) console.log(`\nPython ONNX Runtime not compared: ${python.reason}`);
  console.log(
    `\nthreads: ${report.settings.intraOpThreads}; ${report.environment.cpu.cores} logical / ${report.environment.cpu.physicalCores ?? '?'} physical cores; wrote ${values.out}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
