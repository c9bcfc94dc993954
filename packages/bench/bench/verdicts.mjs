#!/usr/bin/env node
// Can a CI job trust `bench compare`? Trials with a known right answer, under CPU load injected by other
// processes (busy loops that switch on and off at random, as other jobs on a shared runner do):
//   - A/A: the same computation re-exported (other node names, so other bytes) must never be a regression;
//   - A/B: the same model with 6 MatMul layers instead of 5 (20% more work) must always be one.
// Each trial measures both sides interleaved (`bench compare --interleave`), with a byte-identical control
// module beside the module under test. The same trials are also judged from two separate runs, the second under
// heavier load than the first (the failure the demo showed): a regression there must never be made up, and the
// controls are what stops it. Writes reports/verdicts.json and prints the verdict counts.
//
//   npm run bench:verdicts -- [--trials N] [--rounds R] [--round-iterations K] [--load-workers W] [--size S]
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareReports, encodeTinyModel, remeasureInterleaved, runBench } from '@tamkit/bench';
import { median, printTable, writeReport } from '../../../scripts/lib/report.mjs';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '20' },
    'round-iterations': { type: 'string', default: '5' },
    'load-workers': { type: 'string', default: '2' },
    size: { type: 'string', default: '256' },
    quantile: { type: 'string', default: '0.25' },
  },
});
const trials = Number(values.trials);
const rounds = Number(values.rounds);
const roundIterations = Number(values['round-iterations']);
const loadWorkers = Number(values['load-workers']);
const size = Number(values.size);
const quantile = Number(values.quantile);

/** `layers` MatMuls of x [size, size] by w [size, size]; `tag` only names the nodes (other tag, other bytes). */
function chain(layers, tag) {
  const names = Array.from({ length: layers + 1 }, (_, i) => (i === 0 ? 'x' : i === layers ? 'y' : `h${i}`));
  return encodeTinyModel({
    inputs: [
      { name: 'x', elemType: 1, dims: [size, size] },
      { name: 'w', elemType: 1, dims: [size, size] },
    ],
    outputs: [{ name: 'y', elemType: 1, dims: [size, size] }],
    nodes: names
      .slice(1)
      .map((out, i) => ({ opType: 'MatMul', inputs: [names[i], 'w'], outputs: [out], name: `/${tag}/mm${i}` })),
  });
}

// A busy loop in another process that works and rests in random spells of 30-400 ms (about 60% busy), until killed.
const LOAD_SCRIPT = `
let s = Number(process.argv[1]) >>> 0;
const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 2654435761) + 0x6d2b79f5) >>> 0) / 4294967296);
const spell = () => {
  const busyUntil = Date.now() + 30 + rand() * 370;
  while (Date.now() < busyUntil) Math.sqrt(rand());
  setTimeout(spell, rand() * 250);
};
spell();`;

/** Starts `count` load processes; `constant` makes them busy all the time. Returns a stop function. */
function startLoad(count, seed, constant = false) {
  const script = constant ? 'for (;;) Math.sqrt(Math.random());' : LOAD_SCRIPT;
  const children = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, ['-e', script, String(seed * 100 + i)], { stdio: 'ignore' }),
  );
  return async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGKILL');
          }),
      ),
    );
  };
}

const benchDir = (dir) =>
  runBench({
    stacks: ['ort-cpu'],
    models: dir,
    budget: { warmupIterations: 3, iterations: 20 },
    threads: 1,
    profileRuns: 0,
  });

const work = await mkdtemp(join(tmpdir(), 'tamkit-verdicts-'));
const dirs = { before: join(work, 'before'), aa: join(work, 'aa'), ab: join(work, 'ab') };
for (const dir of Object.values(dirs)) await mkdir(dir);
await writeFile(join(dirs.before, 'chain.onnx'), chain(5, 'before'));
await writeFile(join(dirs.before, 'control.onnx'), chain(3, 'control'));
await writeFile(join(dirs.aa, 'chain.onnx'), chain(5, 'reexported'));
await writeFile(join(dirs.ab, 'chain.onnx'), chain(6, 'slower'));
for (const dir of [dirs.aa, dirs.ab]) await copyFile(join(dirs.before, 'control.onnx'), join(dir, 'control.onnx'));

const classes = [
  { name: 'A/A interleaved, random load', side: 'aa', mode: 'interleaved', expect: 'never regression' },
  { name: 'A/B +20% interleaved, random load', side: 'ab', mode: 'interleaved', expect: 'always regression' },
  { name: 'A/A separate runs, load only in 2nd', side: 'aa', mode: 'separate', expect: 'never regression' },
  { name: 'A/B +20% separate runs, load only in 2nd', side: 'ab', mode: 'separate', expect: 'no false verdict' },
];
const results = [];
const started = Date.now();
const loadBefore = loadavg();
try {
  for (let trial = 0; trial < trials; trial += 1) {
    for (const [c, cls] of classes.entries()) {
      const seed = trial * classes.length + c + 1;
      let comparison;
      if (cls.mode === 'interleaved') {
        const stop = startLoad(loadWorkers, seed);
        try {
          const [base, cur] = [await benchDir(dirs.before), await benchDir(dirs[cls.side])];
          const fresh = await remeasureInterleaved(base, cur, { rounds, iterationsPerRound: roundIterations });
          comparison = compareReports(fresh.baseline, fresh.current, { quantile });
        } finally {
          await stop();
        }
      } else {
        const base = await benchDir(dirs.before);
        const stop = startLoad(loadWorkers, seed, true);
        try {
          comparison = compareReports(base, await benchDir(dirs[cls.side]), { quantile });
        } finally {
          await stop();
        }
      }
      const row = comparison.rows.find((r) => r.module === 'chain');
      results.push({
        class: cls.name,
        trial,
        verdict: row.verdict,
        ratio: row.interval?.ratio,
        interval: row.judged ?? row.interval,
        controlDrift: comparison.drift.drift,
        method: row.interval?.method,
      });
    }
    const done = trial + 1;
    const eta = ((Date.now() - started) / done) * (trials - done);
    process.stderr.write(`trial ${done}/${trials}, ETA ${Math.round(eta / 1000)} s\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const summary = classes.map((cls) => {
  const mine = results.filter((r) => r.class === cls.name);
  const count = (v) => mine.filter((r) => r.verdict === v).length;
  const drifts = mine.map((r) => r.controlDrift).filter((d) => d !== undefined);
  const ratios = mine.map((r) => r.ratio).filter((d) => d !== undefined);
  return {
    class: cls.name,
    trials: mine.length,
    regression: count('regression'),
    improvement: count('improvement'),
    unchanged: count('unchanged'),
    'too-noisy': count('too-noisy'),
    'median ratio': ratios.length ? median(ratios).toFixed(3) : '-',
    'median control drift': drifts.length ? `${(median(drifts) * 100).toFixed(1)}%` : '-',
    expected: cls.expect,
  };
});
const passed = {
  aaNeverRegression: summary[0].regression === 0 && summary[2].regression === 0,
  abAlwaysFoundInterleaved: summary[1].regression === summary[1].trials,
  // Separate runs cannot always find the slowdown under a load change, but must never call it the wrong way.
  separateRunsNoFalseVerdict:
    summary[2].improvement === 0 && summary[3].improvement === 0 && summary[3].unchanged === 0,
};
const path = writeReport('verdicts', {
  machineLoad: {
    note: 'load average (1, 5, 15 min) of the whole machine, injected load included, before and after',
    before: loadBefore,
    after: loadavg(),
  },
  settings: {
    trials,
    quantile,
    confidence: 0.99,
    rounds,
    roundIterations,
    loadWorkers,
    matrixSize: size,
    threads: 1,
    minEffect: 0.05,
  },
  models:
    'chain: 5 MatMuls (A/A: re-exported, other bytes; A/B: 6 MatMuls = 20% more work); control: 3 MatMuls, copied',
  load: `${loadWorkers} processes: random 30-400 ms busy spells (interleaved), always busy (2nd of separate runs)`,
  summary,
  passed,
  results,
});
printTable(summary);
console.log(
  `\nload average before ${loadBefore.map((l) => l.toFixed(1)).join(' ')}, after ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`${JSON.stringify(passed)}\nwrote ${path}`);
