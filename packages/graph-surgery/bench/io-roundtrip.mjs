#!/usr/bin/env node
// Benchmark: load + save of a model with >= 80 MB of weights, tamkit against Python's onnx.load + onnx.save
// (Debian's python3-onnx), same file, same machine, same run. Each side runs in its own process so that its
// peak memory can be read. Writes reports/io-roundtrip.json and prints a table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '@tamkit/common';
import { printTable, repoRoot, writeReport } from '../../../scripts/lib/report.mjs';

const runs = Number(process.env.RUNS ?? 5);
const dist = join(repoRoot, 'packages/graph-surgery/dist/index.js');
const work = mkdtempSync(join(tmpdir(), 'tamkit-io-bench-'));
const model = join(work, 'big.onnx');

// A transformer-like stack: 7 blocks of six 512-wide linear layers (~84 MB float32) plus the small Constant
// and shape nodes exporters emit, so both the weight path and the many-small-messages path are exercised.
const generate = `
import { DataType, emptyGraph, makeModel, makeNode, makeTensor, makeValueInfo, writeModel } from ${JSON.stringify(dist)};
let s = 1;
const rand = (n) => Float32Array.from({ length: n }, () => { s = (s * 1664525 + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * 0.04; });
const g = emptyGraph('big');
g.input.push(makeValueInfo('x', DataType.FLOAT, [1, 512]));
let x = 'x';
for (let b = 0; b < 7; b++) {
  for (const [i, [n, m]] of [[512, 512], [512, 512], [512, 512], [512, 512], [512, 2048], [2048, 512]].entries()) {
    const w = 'block' + b + '.linear' + i + '.weight';
    g.initializer.push(makeTensor(w, DataType.FLOAT, [n, m], rand(n * m)));
    g.node.push(makeNode({ opType: 'MatMul', inputs: [x, w], outputs: [w + '_out'], name: '/block' + b + '/linear' + i + '/MatMul' }));
    x = w + '_out';
    for (let k = 0; k < 40; k++) g.node.push(makeNode({ opType: 'Constant', inputs: [], outputs: ['/c' + b + '_' + i + '_' + k], name: '/c' + b + '_' + i + '_' + k, attributes: { value: makeTensor('', DataType.INT64, [1], [k]) } }));
  }
}
g.output.push(makeValueInfo(x, DataType.FLOAT, [1, 512]));
await writeModel(makeModel({ graph: g }), process.argv[1], { externalData: 'embed' });
`;
const gen = spawnSync(process.execPath, ['--input-type=module', '-e', generate, model], { encoding: 'utf8' });
if (gen.status !== 0) throw new Error(`generating the model failed:\n${gen.stderr}`);
const size = statSync(model).size;

const ours = `
import { readModel, writeModel } from ${JSON.stringify(dist)};
const base = process.memoryUsage().rss;
const t0 = performance.now();
const m = await readModel(process.argv[1]);
await writeModel(m, process.argv[2]);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, peakRss: process.resourceUsage().maxRSS * 1024, baseRss: base }));
`;
const python = `
import json, resource, sys, time, onnx
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0 = time.perf_counter()
m = onnx.load(sys.argv[1])
onnx.save(m, sys.argv[2])
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "peakRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "baseRss": base}))
`;

function measure(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// Debian's python3-onnx lives under /usr/bin/python3; PYTHON points elsewhere (e.g. the GPU machine's python3).
const pythonBin = process.env.PYTHON ?? '/usr/bin/python3';
const pythonAvailable = spawnSync(pythonBin, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const results = { tamkit: [], python: [] };
for (let i = 0; i < runs; i++) {
  results.tamkit.push(measure(process.execPath, ['--input-type=module', '-e', ours, model, join(work, 'ours.onnx')]));
  if (pythonAvailable) results.python.push(measure(pythonBin, ['-c', python, model, join(work, 'py.onnx')]));
}
const onnxVersion = () =>
  spawnSync(pythonBin, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' }).stdout.trim();
const summary = (list) =>
  list.length
    ? {
        medianMs: median(list.map((r) => r.ms)),
        minMs: Math.min(...list.map((r) => r.ms)),
        peakRssMiB: median(list.map((r) => r.peakRss)) / 2 ** 20,
        peakOverBaseMiB: median(list.map((r) => r.peakRss - r.baseRss)) / 2 ** 20,
      }
    : null;
const tamkit = summary(results.tamkit);
const py = summary(results.python);
const modelMiB = size / 2 ** 20;
const report = {
  modelBytes: size,
  runs,
  tamkit,
  python: py ? { ...py, interpreter: pythonBin, onnx: onnxVersion() } : { unavailable: 'install Debian python3-onnx' },
  goals: {
    atLeastAsFastAsPython: py ? tamkit.medianMs <= py.medianMs : null,
    peakUnder2_5xModel: tamkit.peakOverBaseMiB < 2.5 * modelMiB,
  },
  notes: [
    'peakOverBase = peak RSS minus the RSS before loading (runtime start-up excluded); peakRss is the whole process.',
  ],
};
const path = await writeReport('io-roundtrip', report);
rmSync(work, { recursive: true, force: true });
printTable(
  [
    ['tamkit (node)', tamkit],
    ['python onnx', py],
  ]
    .filter(([, s]) => s)
    .map(([name, s]) => ({
      impl: name,
      'model MiB': modelMiB.toFixed(1),
      'median ms': s.medianMs.toFixed(1),
      'min ms': s.minMs.toFixed(1),
      'peak RSS MiB': s.peakRssMiB.toFixed(0),
      'peak over start MiB': s.peakOverBaseMiB.toFixed(0),
      'x model': (s.peakOverBaseMiB / modelMiB).toFixed(2),
    })),
);
console.log(`\nwrote ${path}`);
