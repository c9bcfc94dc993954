#!/usr/bin/env node
// Benchmark: whole commands as a user types them, tamkit against Python, side by side. `graph-surgery --help`
// against `python3 -c 'import onnx'` (what a Python tool pays before doing anything), and `graph-surgery convert`
// of the ~84 MB benchmark model against `onnx.load` + `onnx.save` of the same file, each a fresh process, runs
// interleaved so that load drift hits both sides alike. Wall time is what the user waits; CPU time (user + sys
// of the child, from /proc) is what the command costs, and moves less with the machine's load, which is
// recorded before and after. The other three CLIs' `--help` is measured beside it. Writes reports/startup.json and
// prints a table and the goals' verdicts (help under 120 ms median wall; convert no slower than Python's).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '@tamkit/common';
import { printTable, repoRoot, writeReport } from '../../../scripts/lib/report.mjs';
import { writeBigModel } from './big-model.mjs';

const runs = Number(process.env.RUNS ?? 10);
const bin = join(repoRoot, 'packages/graph-surgery/bin/graph-surgery.js');
const pythonBin = process.env.PYTHON ?? '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'tamkit-startup-bench-'));
const model = join(work, 'big.onnx');
writeBigModel(model);

/** CPU seconds of this process's waited-for children (user + sys), from /proc; undefined off Linux. */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name; 100 ticks per second
    // on every Linux this runs on (USER_HZ).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function time(cmd, args) {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { wallMs, cpuMs: cpu0 === undefined ? undefined : cpu1 - cpu0 };
}

const pythonAvailable = spawnSync(pythonBin, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const cases = [
  ['node -e 0 (Node.js start-up floor)', process.execPath, ['-e', '0']],
  ['graph-surgery --version', process.execPath, [bin, '--version']],
  ['graph-surgery --help', process.execPath, [bin, '--help']],
  ['graph-surgery convert --help (runs the parser)', process.execPath, [bin, 'convert', '--help']],
  ...['engine-builder', 'bench', 'track-eval'].map((name) => [
    `${name} --help`,
    process.execPath,
    [join(repoRoot, 'packages', name === 'track-eval' ? 'eval' : name, 'bin', `${name}.js`), '--help'],
  ]),
  ...(pythonAvailable ? [['python3 -c "import onnx"', pythonBin, ['-c', 'import onnx']]] : []),
  ['graph-surgery convert (84 MB)', process.execPath, [bin, 'convert', model, '-o', join(work, 'ours.onnx'), '-q']],
  ...(pythonAvailable
    ? [
        [
          'python3 onnx.load + onnx.save (84 MB)',
          pythonBin,
          ['-c', 'import onnx, sys; onnx.save(onnx.load(sys.argv[1]), sys.argv[2])', model, join(work, 'py.onnx')],
        ],
      ]
    : []),
];

const loadBefore = loadavg();
const samples = new Map(cases.map(([name]) => [name, []]));
// One warm-up round (file cache, Python's .pyc), then interleaved rounds.
for (const [, cmd, args] of cases) time(cmd, args);
// Odd rounds run the cases in reverse order: what ran just before a command (another 84 MB write still being
// flushed, say) then falls on each side alike.
for (let i = 0; i < runs; i++) {
  for (const [name, cmd, args] of i % 2 ? [...cases].reverse() : cases) samples.get(name).push(time(cmd, args));
}
const loadAfter = loadavg();

const summary = Object.fromEntries(
  [...samples].map(([name, list]) => [
    name,
    {
      medianWallMs: median(list.map((s) => s.wallMs)),
      minWallMs: Math.min(...list.map((s) => s.wallMs)),
      medianCpuMs: list[0].cpuMs === undefined ? null : median(list.map((s) => s.cpuMs)),
    },
  ]),
);
const help = summary['graph-surgery --help'];
const convert = summary['graph-surgery convert (84 MB)'];
const pyConvert = summary['python3 onnx.load + onnx.save (84 MB)'];
const onnxVersion = pythonAvailable
  ? spawnSync(pythonBin, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' }).stdout.trim()
  : null;
// Paired by round (the two ran back to back): less moved by load that drifts over the run than the two medians.
const convertRatios = pyConvert
  ? samples
      .get('graph-surgery convert (84 MB)')
      .map((s, i) => s.wallMs / samples.get('python3 onnx.load + onnx.save (84 MB)')[i].wallMs)
  : [];
const goals = {
  helpUnder120ms: help.medianWallMs < 120,
  convertNoSlowerThanPython: pyConvert ? convert.medianWallMs <= pyConvert.medianWallMs : null,
};
const report = {
  runs,
  modelBytes: statSync(model).size,
  loadAverage: { before: loadBefore, after: loadAfter },
  python: pythonAvailable ? { interpreter: pythonBin, onnx: onnxVersion } : { unavailable: 'install python3-onnx' },
  results: summary,
  goals,
  convertOverPythonMedianRoundRatio: pyConvert ? median(convertRatios) : null,
  notes: [
    'Each command is a fresh process, as a user runs it; rounds are interleaved, odd rounds in reverse order; one warm-up round first.',
    'A plain --help/--version of graph-surgery and engine-builder is answered from text recorded at build time (start.js, kept equal to the live parser by test/cli-bundle.test.ts); `convert --help` shows what running the parser costs.',
    'cpuMs: user + sys of the child from /proc/self/stat (10 ms ticks); it moves less with load than wall time.',
    'Wall times on a loaded machine are long for every side; compare sides within one run, and read loadAverage.',
  ],
};
const path = await writeReport('startup', report);
rmSync(work, { recursive: true, force: true });
printTable(
  Object.entries(summary).map(([name, s]) => ({
    command: name,
    'median wall ms': s.medianWallMs.toFixed(0),
    'min wall ms': s.minWallMs.toFixed(0),
    'median cpu ms': s.medianCpuMs === null ? 'n/a' : s.medianCpuMs.toFixed(0),
  })),
);
console.log(
  `\nload average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(1)).join('/')}, after ${loadAfter.map((l) => l.toFixed(1)).join('/')}`,
);
if (pyConvert) {
  console.log(`convert / Python wall, median of the rounds' ratios: ${median(convertRatios).toFixed(2)}`);
}
const verdict = (ok) => (ok === null ? 'not judged (no Python onnx)' : ok ? 'met' : 'NOT met');
console.log(`goal: graph-surgery --help median wall under 120 ms: ${verdict(goals.helpUnder120ms)}`);
console.log(
  `goal: convert median wall no slower than Python's onnx.load + onnx.save: ${verdict(goals.convertNoSlowerThanPython)}`,
);
console.log(`wrote ${path}`);
