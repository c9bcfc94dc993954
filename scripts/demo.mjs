#!/usr/bin/env node
// `npm run demo`: the main job end to end on built-in defaults, with the commands a user would type.
// Models and runs go to demo-out/, reports to reports/demo/. DEMO_SIZE=tiny runs the same story on the tiny zoo
// in a fraction of the time. DEMO_MODELS=<folder> runs it on your own export (the four <module>.onnx files, names
// as your exporter wrote them: modules are recognised by their inputs and outputs) instead of the zoo.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { moduleFiles } from '../packages/bench/dist/index.js';
import { TRACKER_MODULES as MODULES } from '../packages/graph-surgery/dist/index.js';
import { repoRoot } from './lib/report.mjs';

const size = process.env.DEMO_SIZE ?? 'full';
const out = join(repoRoot, 'demo-out');
const reports = join(repoRoot, 'reports', 'demo');
const userModels = process.env.DEMO_MODELS ? resolve(process.env.DEMO_MODELS) : undefined;
const zoo = userModels ?? join(out, 'zoo');
const baked = join(out, 'zoo-baked');
const emulated = join(out, 'zoo-fp16-emulated');
const native = join(out, 'zoo-fp16');
const islands = join(out, 'zoo-fp16-islands-emulated');
const synth = join(out, 'synth');
const bins = {
  'graph-surgery': 'packages/graph-surgery/bin/graph-surgery.js',
  'engine-builder': 'packages/engine-builder/bin/engine-builder.js',
  bench: 'packages/bench/bin/bench.js',
  'track-eval': 'packages/eval/bin/track-eval.js',
};
const rel = (p) => p.replace(`${repoRoot}/`, '');
const started = Date.now();

/** Prints and runs one CLI command, showing its own output; `allow` lists exit codes that are outcomes. */
function run(bin, args, { allow = [0] } = {}) {
  console.log(
    `\n$ ${bin} ${args
      .map((a) => (/[\s,]/.test(a) ? `'${a}'` : a))
      .map(rel)
      .join(' ')}`,
  );
  const r = spawnSync(process.execPath, [join(repoRoot, bins[bin]), ...args], { cwd: repoRoot, stdio: 'inherit' });
  if (!allow.includes(r.status ?? 1)) {
    console.error(`\ndemo: \`${bin} ${args[0]}\` exited with ${r.status}; stopping.`);
    process.exit(r.status ?? 1);
  }
  return r.status;
}

function step(title) {
  console.log(`\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`);
}

const json = (p) => JSON.parse(readFileSync(p, 'utf8'));

rmSync(out, { recursive: true, force: true });
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const light = size === 'tiny';
console.log(
  'Each command below is printed as you would type it: after this demo (or npm test), run them from the clone as\n' +
    '`npx graph-surgery ...` (likewise engine-builder, bench, track-eval), or put node_modules/.bin on your PATH.',
);

step(`1. The model: a seeded EfficientTAM-Ti replica (${size}), with trained-ViT-like FP16 outliers planted`);
// The default (export) style: what torch.onnx.export writes, placeholder output dims and shape arithmetic included.
if (userModels === undefined) {
  run('graph-surgery', ['zoo', 'efficienttam-ti', '--size', size, '--seed', '1', '--outliers', '-o', zoo]);
} else {
  console.log(`Your export: ${userModels} (DEMO_MODELS); nothing in it is modified.`);
}
// Each module's file, recognised by name or else by its inputs and outputs, as every command does.
const source = await moduleFiles(zoo);
run('graph-surgery', ['inspect', source.image_encoder]);

step('2. Graph surgery: bake the Python glue into the graphs, make native FP16 and FP16-emulating files');
mkdirSync(baked, { recursive: true });
run('graph-surgery', ['bake', source.mask_decoder, '-o', join(baked, 'mask_decoder.onnx'), '--box']);
run('graph-surgery', ['bake', source.image_encoder, '-o', join(baked, 'image_encoder.onnx')]);
for (const m of ['memory_attention', 'memory_encoder']) {
  run('graph-surgery', ['convert', source[m], '-o', join(baked, `${m}.onnx`)]);
}
mkdirSync(native, { recursive: true });
mkdirSync(emulated, { recursive: true });
mkdirSync(islands, { recursive: true });
for (const m of MODULES) {
  run('graph-surgery', ['fp16', source[m], '-o', join(native, `${m}.onnx`), '--keep-io-types']);
  // ONNX Runtime's CPU provider computes FP16 in FP32 and hides overflow; emulation rounds like FP16 storage.
  run('graph-surgery', ['emulate-fp16', source[m], '-o', join(emulated, `${m}.onnx`), '--fused-attention']);
  // The fix: the mixed preset (attention scores and softmax, long-reduction values MatMuls, norms) in FP32, the
  // islands `fp32-islands --fp32-patterns mixed` makes natively.
  run('graph-surgery', [
    'emulate-fp16',
    source[m],
    '-o',
    join(islands, `${m}.onnx`),
    '--fused-attention',
    '--fp32-patterns',
    'mixed',
  ]);
}

step('3. Benchmark: every module on ort-cpu; what this machine cannot run says why; baked vs unbaked');
const iterations = light ? '20' : '6';
run('bench', ['list']);
run(
  'bench',
  [
    '--stack',
    'ort-cpu',
    '--stack',
    'ort-webgpu',
    '--stack',
    'ort-cuda',
    '--stack',
    'trt-fp16',
    '--models',
    zoo,
    '--iterations',
    iterations,
    '--warmup',
    '2',
    '-o',
    join(reports, 'bench-unbaked.json'),
    '--csv',
    join(reports, 'bench-unbaked.csv'),
  ],
  { allow: [0, 4] },
);
run('bench', [
  '--stack',
  'ort-cpu',
  '--models',
  baked,
  '--iterations',
  iterations,
  '--warmup',
  '2',
  '-o',
  join(reports, 'bench-baked.json'),
]);
// Both sides measured again, alternating round by round, so the machine's load hits both alike; memory_attention
// and memory_encoder are the same bytes on both sides (only converted), so they serve as controls.
const compareCode = run(
  'bench',
  [
    'compare',
    join(reports, 'bench-unbaked.json'),
    join(reports, 'bench-baked.json'),
    '--interleave',
    ...['--rounds', light ? '12' : '8', '--round-iterations', light ? '5' : '2'],
    ...['--out', reports, '--name', 'baked-vs-unbaked'],
  ],
  { allow: [0, 3, 5] },
);
if (compareCode === 3) {
  console.log(
    '(exit 3 = a regression: expected here, the baked mask_decoder also upsamples to 512 and computes the box in-graph)',
  );
} else if (compareCode === 5) {
  console.log('(exit 5 = too noisy to judge: the machine was too busy for a verdict; the controls show by how much)');
}
run('bench', [
  'pipeline',
  '--models',
  zoo,
  '--stack',
  'ort-cpu',
  '--frames',
  light ? '16' : '6',
  '--warmup-frames',
  light ? '8' : '3',
  '--isolated-iterations',
  light ? '10' : '3',
  '-o',
  join(reports, 'pipeline.json'),
]);
run('engine-builder', ['build', source.image_encoder, '--precision', 'fp16', '--trt-version', '10', '--print-command']);

step('4. Precision: FP16 fidelity per module, then bisection to the nodes that must stay FP32');
// FP16 (emulated, as the GPU would round) against FP32, then with the mixed preset kept FP32.
for (const [name, models] of [
  ['fp16-emulated', emulated],
  ['fp16-islands-emulated', islands],
]) {
  run('track-eval', [
    'fidelity',
    ...['--models', models, '--reference-models', zoo, '--stack', 'ort-cpu', '--reference-stack', 'ort-cpu'],
    ...['--frames', light ? '12' : '4', '--iterations', '2', '--out', join(reports, `fidelity-${name}.json`)],
  ]);
}
run('track-eval', [
  'bisect',
  '--models',
  zoo,
  '--stack',
  'ort-cpu',
  '--iterations',
  '2',
  '--plan-dir',
  join(reports, 'plans'),
  '--out',
  join(reports, 'bisect.json'),
]);
const planFile = join(reports, 'plans', 'image_encoder.plan.json');
if (existsSync(planFile)) {
  for (const version of ['10', '11']) {
    run('engine-builder', [
      'build',
      source.image_encoder,
      '--plan',
      planFile,
      '--trt-version',
      version,
      '--print-command',
    ]);
  }
}

step('5. Tracking: synthetic LaSOT-format sequences, FP32 and FP16 runs, LaSOT-style scores and plots');
run('track-eval', ['synth', '-o', synth, '--count', '2', '--frames', light ? '40' : '12', '--seed', '7']);
const lasotRuns = [
  ['fp32', zoo],
  ['fp16-emulated', emulated],
  ['fp16-islands-emulated', islands],
];
for (const [label, models] of lasotRuns) {
  run('track-eval', [
    'lasot',
    '--root',
    synth,
    '--models',
    models,
    '--stack',
    'ort-cpu',
    '--out',
    join(out, 'runs', label),
  ]);
  run('track-eval', [
    'score',
    '--root',
    synth,
    '--results',
    join(out, 'runs', label),
    '--label',
    label,
    '--out',
    join(reports, `score-${label}.json`),
  ]);
}
run('track-eval', [
  'report',
  ...lasotRuns.flatMap(([label]) => ['--score', join(reports, `score-${label}.json`)]),
  '-o',
  join(reports, 'lasot'),
  '--title',
  'synthetic sequences',
  '--note',
  'Random zoo weights: masks do not follow the object, so scores against ground truth mean nothing here.',
]);

step('Summary');
const bench = json(join(reports, 'bench-unbaked.json'));
console.log('ort-cpu median latency per module (ms):');
for (const r of bench.modules.filter((m) => m.stack === 'ort-cpu'))
  console.log(`  ${r.module.padEnd(18)} ${r.latency.p50Ms.toFixed(1)}`);
for (const u of bench.unavailable) console.log(`  ${u.stack}: unavailable here (${u.reason.split('\n')[0]})`);
const pipeline = json(join(reports, 'pipeline.json')).pipelines[0];
if (pipeline) {
  console.log(
    `chained tracking loop on ort-cpu: ${pipeline.perFrame.p50Ms.toFixed(1)} ms/frame (${pipeline.fps.toFixed(2)} FPS)` +
      (pipeline.isolatedSumMs ? `, sum of isolated modules ${pipeline.isolatedSumMs.toFixed(1)} ms` : ''),
  );
}
console.log('\nAgreement with the FP32 run along the synthetic sequence (mean mask IoU / mean box IoU):');
for (const name of ['fp16-emulated', 'fp16-islands-emulated']) {
  const seq = json(join(reports, `fidelity-${name}.json`)).sequence;
  if (seq) console.log(`  ${name.padEnd(22)} ${seq.meanMaskIou.toFixed(3)} / ${seq.meanBoxIou.toFixed(3)}`);
}
for (const m of json(join(reports, 'bisect.json')).modules ?? []) {
  if (m.layers?.status !== 'found') continue;
  console.log(`bisection: ${m.module} must keep ${m.layers.fp32.length} of ${m.layers.candidates} candidates in FP32:`);
  for (const c of m.layers.fp32) console.log(`  ${c.kind.padEnd(14)} ${c.label}`);
  console.log(`  plan: ${rel(m.planFile)}`);
}
console.log(`LaSOT-style plots and summary: ${rel(join(reports, 'lasot'))}/`);
console.log(
  '\nThe zoo has random weights: its masks do not follow the object, so success/precision against ground truth',
);
console.log('say nothing about EfficientTAM. What is meaningful here is agreement between stacks and precisions.');
console.log('Accuracy needs a trained export (bring your own ONNX files) and the real LaSOT.');
console.log(
  `\ndemo finished in ${((Date.now() - started) / 1000).toFixed(0)} s; models in ${rel(out)}/, reports in ${rel(reports)}/`,
);
