// Which outputs can onnxruntime-node's WebGPU provider hand back as 'gpu-buffer'? Each case runs in a child
// process because a failure there aborts the process natively (no JavaScript exception).
//   node scripts/device/gpu-buffer-probe.mjs MODEL.onnx [outputName...]
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [model, ...only] = process.argv.slice(2);
if (process.env.PROBE_CHILD) {
  const require = createRequire(realpathSync(join(process.cwd(), 'packages/bench/package.json')));
  const ort = require('onnxruntime-node');
  const location = only.length ? Object.fromEntries(only.map((o) => [o, 'gpu-buffer'])) : 'gpu-buffer';
  const s = await ort.InferenceSession.create(model, {
    executionProviders: ['webgpu'],
    preferredOutputLocation: location,
  });
  console.log('created; outputs', s.outputNames.join(','));
  const feeds = {};
  for (const name of s.inputNames) {
    const meta = s.inputMetadata.find((m) => m.name === name);
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
    feeds[name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1), dims);
  }
  const out = await s.run(feeds);
  console.log(
    'ran;',
    Object.entries(out)
      .map(([k, v]) => `${k}:${v.location}`)
      .join(' '),
  );
  const mode = process.env.DL ?? 'getdata-release';
  for (const [k, v] of Object.entries(out)) {
    if (v.location !== 'gpu-buffer') continue;
    if (mode === 'identity') {
      // Download through a WebGPU Identity session whose output lives on the CPU.
      const gs = await import(join(process.cwd(), 'packages/graph-surgery/dist/index.js'));
      const g = gs.emptyGraph('id');
      g.input.push(gs.makeValueInfo('x', gs.DataType.FLOAT, v.dims));
      g.output.push(gs.makeValueInfo('y', gs.DataType.FLOAT, v.dims));
      g.node.push(gs.makeNode({ opType: 'Identity', inputs: ['x'], outputs: ['y'] }));
      const id = await ort.InferenceSession.create(gs.encodeModel(gs.makeModel({ graph: g })), {
        executionProviders: ['webgpu'],
      });
      const t0 = performance.now();
      const r = await id.run({ x: v });
      console.log('identity download', k, r.y.location, r.y.data.length, (performance.now() - t0).toFixed(2), 'ms');
    } else {
      const d = await v.getData(mode === 'getdata-release');
      console.log('downloaded', k, d.length);
    }
  }
  console.log('ok', mode);
} else {
  for (const outputs of [[], ...only.map((o) => [o])]) {
    const r = spawnSync(process.execPath, [process.argv[1], model, ...outputs], {
      env: { ...process.env, PROBE_CHILD: '1' },
      encoding: 'utf8',
    });
    console.log(
      `--- gpu-buffer for ${outputs.length ? outputs.join(',') : 'all outputs'}: exit ${r.status} ${r.signal ?? ''}`,
    );
    console.log(
      (r.stdout + r.stderr)
        .split('\n')
        .filter((l) => !/Warning|at operator/.test(l))
        .slice(-6)
        .join('\n'),
    );
  }
}
