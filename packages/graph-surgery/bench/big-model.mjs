// The benchmark model of the I/O and start-up benchmarks: a transformer-like stack of 7 blocks of six 512-wide
// linear layers (~84 MB float32) plus the small Constant and shape nodes exporters emit, so both the weight
// path and the many-small-messages path are exercised. Built by tamkit's own dist in a child process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/lib/report.mjs';

const dist = join(repoRoot, 'packages/graph-surgery/dist/index.js');

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

/** Writes the benchmark model to `path` (needs `npm run build`). */
export function writeBigModel(path) {
  const gen = spawnSync(process.execPath, ['--input-type=module', '-e', generate, path], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generating the model failed:\n${gen.stderr}`);
}
