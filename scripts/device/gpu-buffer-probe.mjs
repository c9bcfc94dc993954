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
  for (const [k, v] of Object.entries(out)) {
    if (v.location === 'gpu-buffer') {
      const d = await v.getData(true);
      console.log('downloaded', k, d.length);
    }
  }
  console.log('ok');
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
