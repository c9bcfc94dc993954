// Device smoke test: is the WebGPU EP usable, and what does its profiling output look like?
// Run on the GPU machine from the unpacked bundle: node scripts/device/smoke.mjs /tmp/rt/<bundle> $OUT

import { realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [bundle, out] = process.argv.slice(2);
const require = createRequire(realpathSync(join(bundle, 'node_modules/@tamkit/bench/package.json')));
const ort = require('onnxruntime-node');
const gs = await import(join(bundle, 'node_modules/@tamkit/graph-surgery/dist/index.js'));
const { DataType, emptyGraph, encodeModel, makeModel, makeNode, makeTensor, makeValueInfo } = gs;

const g = emptyGraph('smoke');
g.input.push(makeValueInfo('x', DataType.FLOAT, [1, 3, 64, 64]));
g.output.push(makeValueInfo('y', DataType.FLOAT, null));
g.initializer.push(
  makeTensor(
    'w',
    DataType.FLOAT,
    [8, 3, 3, 3],
    Float32Array.from({ length: 216 }, (_, i) => Math.sin(i) * 0.1),
  ),
);
g.initializer.push(makeTensor('shape', DataType.INT64, [3], [1, 8, 4096]));
g.node.push(
  makeNode({
    opType: 'Conv',
    inputs: ['x', 'w'],
    outputs: ['c'],
    name: '/conv/Conv',
    attributes: { pads: [1, 1, 1, 1] },
  }),
);
g.node.push(makeNode({ opType: 'Reshape', inputs: ['c', 'shape'], outputs: ['r'], name: '/Reshape' }));
g.node.push(
  makeNode({ opType: 'Transpose', inputs: ['r'], outputs: ['t'], name: '/Transpose', attributes: { perm: [0, 2, 1] } }),
);
g.node.push(makeNode({ opType: 'MatMul', inputs: ['t', 'r'], outputs: ['s'], name: '/attn/MatMul' }));
g.node.push(
  makeNode({ opType: 'Softmax', inputs: ['s'], outputs: ['y'], name: '/attn/Softmax', attributes: { axis: -1 } }),
);
const bytes = encodeModel(makeModel({ graph: g, opset: 17 }));
const result = { versions: ort.env.versions, backends: ort.listSupportedBackends() };
for (const ep of ['cpu', 'webgpu']) {
  try {
    const s = await ort.InferenceSession.create(bytes, {
      executionProviders: [ep],
      enableProfiling: true,
      profileFilePrefix: join(out, `profile-${ep}`),
    });
    const x = new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await s.run({ x });
    const ms = (performance.now() - t0) / 5;
    const file = s.endProfiling();
    result[ep] = { ok: true, ms, profile: file, inputMetadata: s.inputMetadata };
    await s.release();
  } catch (e) {
    result[ep] = { ok: false, error: String(e) };
  }
}
writeFileSync(join(out, 'smoke.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
