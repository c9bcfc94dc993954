#!/usr/bin/env node
// Pipeline overhead: the chained tracking loop's per-frame time against the sum of the isolated module times,
// measured on the same sessions and inputs in the same run. Goal: chained within 10% of the isolated sum on
// ort-cpu and ort-webgpu. Also runs the loop with ONNX Runtime's intra-op spinning on, to show what it costs.
// Writes reports/pipeline-overhead.json (a BenchReport) and prints a table.
//
//   npm run bench:pipeline -- [--size tiny|full] [--models DIR] [--stack SPEC ...] [--frames N] [--threads T]
//                             [--device-copies] [--no-spinning-run] [--out FILE]
// Without --models it writes the EfficientTAM-Ti zoo (size from --size or TAMKIT_ZOO_SIZE, default tiny) to a
// temp directory. SPEC is a stack for every module (ort-cpu) or module=stack pairs (ort-webgpu,mask_decoder=ort-cpu).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchPipeline,
  formatModuleStacks,
  parseStackSpec,
  renderTextTable,
  SyntheticVideo,
  writeFileAtomic,
} from '@tamkit/bench';
import { writeZoo } from '@tamkit/graph-surgery';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    size: { type: 'string', default: process.env.TAMKIT_ZOO_SIZE ?? 'tiny' },
    stack: { type: 'string', multiple: true, default: ['ort-cpu'] },
    frames: { type: 'string', default: '16' },
    'warmup-frames': { type: 'string', default: '8' },
    'isolated-iterations': { type: 'string', default: '1' },
    threads: { type: 'string' },
    'frame-size': { type: 'string', default: '1280x720' },
    'device-copies': { type: 'boolean', default: false },
    'no-spinning-run': { type: 'boolean', default: false },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('../../../reports/pipeline-overhead.json', import.meta.url)),
    },
  },
});
if (values.size !== 'tiny' && values.size !== 'full')
  throw new Error(`--size must be tiny or full, got ${values.size}`);
const [width, height] = values['frame-size'].split('x').map(Number);
const threads = values.threads === undefined ? undefined : Number(values.threads);

let models = values.models;
let cleanup;
if (models === undefined) {
  models = await mkdtemp(join(tmpdir(), 'tamkit-pipeline-zoo-'));
  cleanup = models;
  process.stderr.write(`writing the ${values.size} EfficientTAM-Ti zoo to ${models}...\n`);
  await writeZoo(models, { model: 'efficienttam-ti', size: values.size, seed: 0 });
}

try {
  const runs = [];
  for (const spec of values.stack) {
    const base = {
      models,
      stacks: parseStackSpec(spec),
      frames: Number(values.frames),
      warmupFrames: Number(values['warmup-frames']),
      isolatedIterations: Number(values['isolated-iterations']),
      video: new SyntheticVideo({ width, height, seed: 0 }),
      compareDeviceCopies: values['device-copies'],
      ...(threads === undefined ? {} : { threads }),
      onProgress: () => process.stderr.write(`${spec}: tracking...\n`),
    };
    runs.push({
      ...base,
      variant: `${values.models ? 'models' : `zoo-${values.size}`}, spinning off`,
      allowSpinning: false,
    });
    if (!values['no-spinning-run']) {
      runs.push({
        ...base,
        variant: `${values.models ? 'models' : `zoo-${values.size}`}, spinning on`,
        allowSpinning: true,
      });
    }
  }
  const report = await benchPipeline({ runs, label: 'pipeline-overhead' });
  await writeFileAtomic(values.out, `${JSON.stringify(report, null, 2)}\n`);

  const ms = (v) => (v === undefined ? '-' : v.toFixed(2));
  const rows = report.pipelines.map((p) => {
    const host = ['preprocess', 'memory', 'postprocess'].reduce((s, k) => s + (p.perStage[k]?.p50Ms ?? 0), 0);
    const ratio = p.isolatedSumMs ? p.perFrame.p50Ms / p.isolatedSumMs : undefined;
    return [
      formatModuleStacks(p.stacks),
      p.variant,
      ms(p.perFrame.p50Ms),
      ms(p.isolatedSumMs),
      ratio === undefined ? '-' : `${ratio.toFixed(3)}x`,
      ratio === undefined ? '-' : ratio <= 1.1 ? 'yes' : 'no',
      ms(host),
      p.fps.toFixed(1),
      ms(p.copySavedMs),
    ];
  });
  process.stdout.write(
    renderTextTable(
      [
        'stacks',
        'variant',
        'chained p50 ms',
        'isolated sum ms',
        'ratio',
        '<= 1.10',
        'host stages ms',
        'fps',
        'copy saved ms',
      ],
      rows,
    ),
  );
  for (const u of report.unavailable) process.stdout.write(`${u.stack} unavailable: ${u.reason}\n`);
  process.stdout.write(`\nwrote ${values.out}\n`);
} finally {
  if (cleanup) await rm(cleanup, { recursive: true, force: true });
}
