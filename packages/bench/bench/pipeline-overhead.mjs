#!/usr/bin/env node
// Pipeline overhead: the chained tracking loop's per-frame time against the sum of the isolated module times,
// measured on the same sessions and inputs in the same run. Goal: chained within 10% of the isolated sum on
// ort-cpu and ort-webgpu. Variants: host stages in the tracker's worker thread (the default loop), host stages in
// process (--no-in-process-run skips it), and ONNX Runtime's intra-op spinning on (--no-spinning-run skips it).
// --rounds N runs every variant N times, round-robin (load drift hits all alike), and reports the median ratio.
// Writes reports/pipeline-overhead.json (a BenchReport) and prints a table.
//
//   npm run bench:pipeline -- [--size tiny|full] [--models DIR] [--stack SPEC ...] [--frames N] [--threads T]
//                             [--rounds N] [--device-copies] [--no-in-process-run] [--no-spinning-run] [--out FILE]
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
import { median } from '@tamkit/common';
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
    'no-in-process-run': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
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
  const rounds = Number(values.rounds);
  if (!(Number.isInteger(rounds) && rounds > 0))
    throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const zoo = values.models ? 'models' : `zoo-${values.size}`;
  const variants = [{ name: 'host worker', hostWorker: true, allowSpinning: false }];
  if (!values['no-in-process-run'])
    variants.push({ name: 'host stages in process', hostWorker: false, allowSpinning: false });
  if (!values['no-spinning-run'])
    variants.push({ name: 'host worker, spinning on', hostWorker: true, allowSpinning: true });
  const runs = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const spec of values.stack) {
      for (const v of variants) {
        const variant = `${zoo}, ${v.name}${rounds > 1 ? `, round ${round}` : ''}`;
        runs.push({
          models,
          stacks: parseStackSpec(spec),
          frames: Number(values.frames),
          warmupFrames: Number(values['warmup-frames']),
          isolatedIterations: Number(values['isolated-iterations']),
          video: new SyntheticVideo({ width, height, seed: 0 }),
          compareDeviceCopies: values['device-copies'],
          ...(threads === undefined ? {} : { threads }),
          allowSpinning: v.allowSpinning,
          tracker: { hostWorker: v.hostWorker },
          variant,
          onProgress: () => process.stderr.write(`${spec}: ${variant}: tracking...\n`),
        });
      }
    }
  }
  const report = await benchPipeline({ runs, label: 'pipeline-overhead' });
  await writeFileAtomic(values.out, `${JSON.stringify(report, null, 2)}\n`);

  const ms = (v) => (v === undefined ? '-' : v.toFixed(2));
  const rows = report.pipelines.map((p) => {
    // Everything but the module runs (reports before the stage split had one `memory` stage).
    const hostStages = [
      'preprocess',
      'memory',
      'attention_inputs',
      'postprocess',
      'bank_update',
      'host_copies',
      'unstaged',
    ];
    const host = hostStages.reduce((s, k) => s + (p.perStage[k]?.p50Ms ?? 0), 0);
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
  if (rounds > 1) {
    // The verdict per stack and variant: the median ratio over the rounds.
    const groups = new Map();
    for (const p of report.pipelines) {
      if (!p.isolatedSumMs) continue;
      const key = `${formatModuleStacks(p.stacks)} | ${p.variant.replace(/, round \d+$/, '')}`;
      groups.set(key, [...(groups.get(key) ?? []), p.perFrame.p50Ms / p.isolatedSumMs]);
    }
    process.stdout.write(
      `\n${renderTextTable(
        ['stacks | variant', 'rounds', 'ratios', 'median ratio', '<= 1.10'],
        [...groups].map(([key, ratios]) => [
          key,
          String(ratios.length),
          ratios.map((r) => r.toFixed(3)).join(' '),
          `${median(ratios).toFixed(3)}x`,
          median(ratios) <= 1.1 ? 'yes' : 'no',
        ]),
      )}`,
    );
  }
  for (const u of report.unavailable) process.stdout.write(`${u.stack} unavailable: ${u.reason}\n`);
  process.stdout.write(`\nwrote ${values.out}\n`);
} finally {
  if (cleanup) await rm(cleanup, { recursive: true, force: true });
}
