#!/usr/bin/env node
// The chained tracking loop per lever: each lever is a models folder run under a shape variant (original,
// pinned, static) on one stack. For each: ms/frame p50, FPS, per-stage p50s, the isolated module sum and the
// loop/isolated ratio, the output placement chosen, and the mean mask IoU of every tracked frame against a
// reference run (FP32 models on the reference stack, same frames). Writes a JSON summary and a markdown table,
// and prints the table. Goal (issue 17): <= 10.0 ms/frame p50 on ort-cuda with mean mask IoU >= 0.99.
//
//   node packages/bench/bench/loop-levers.mjs [--models DIR] [--stack ort-cuda] [--reference-stack ort-cpu]
//        [--lever NAME=DIR:SHAPES[:tokens] ...] [--frames 100] [--warmup-frames 16] [--threads T] [--out reports/loop-levers]
//        [--append] [--rounds R]
// Without --lever: fp32, pinned and static on --models. Without --models: the tiny zoo in a temp folder (the
// local measurement: ort-cpu against itself). SHAPES is original, pinned or static (default original).
// --append adds the levers to an existing OUT.json (same options) and reuses the reference masks it saved in
// OUT.ref-masks.bin: one process per lever, so a native crash in one (FP16 on some providers) loses only it.
// --rounds R runs the levers of this process R times, round robin (A B C A B C ...), so that a drift of the
// machine hits every lever alike; a lever's p50 is then the median of its rounds' p50s (each round's in `rounds`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  getStack,
  isShapeVariant,
  PIPELINE_STAGES,
  parseStackSpec,
  renderTextTable,
  runPipeline,
  SyntheticVideo,
  setCrashProbeDefault,
  writeFileAtomic,
} from '@tamkit/bench';
import { median } from '@tamkit/common';
import { writeZoo } from '@tamkit/graph-surgery';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    stack: { type: 'string', default: 'ort-cpu' },
    'reference-stack': { type: 'string', default: 'ort-cpu' },
    'reference-models': { type: 'string' },
    lever: { type: 'string', multiple: true },
    frames: { type: 'string', default: '32' },
    'warmup-frames': { type: 'string', default: '16' },
    'isolated-iterations': { type: 'string', default: '1' },
    'device-outputs': { type: 'string', default: 'auto' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'reports/loop-levers' },
    append: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
  },
});
const threads = values.threads === undefined ? {} : { threads: Number(values.threads) };
const frames = Number(values.frames);
const warmupFrames = Number(values['warmup-frames']);
const seed = Number(values.seed);
let cleanup;
let models = values.models;
if (models === undefined) {
  models = await mkdtemp(join(tmpdir(), 'tamkit-loop-levers-'));
  cleanup = models;
  process.stderr.write(`writing the tiny EfficientTAM-Ti zoo to ${models}...\n`);
  await writeZoo(models, { model: 'efficienttam-ti', size: 'tiny', seed: 1 });
}
// NAME=DIR:SHAPES[:FLAG...], flags `tokens` (memory_attention in its exported token layout, host transposes),
// `ahead` (image_encoder in a worker thread, one frame ahead: runPipeline's encoderAhead) and `t1` (one intra-op
// thread per session, no spinning: on a GPU stack the pools only serve the few nodes left on the CPU, and two
// sessions running at once each spin a pool the size of the machine).
// `me-early` (with `ahead`) runs memory_encoder in its own worker thread from the moment a frame's mask is chosen.
// `merged` runs memory_attention and mask_decoder as one session (runPipeline's mergeDecoder).
const LEVER_FLAGS = ['tokens', 'ahead', 't1', 'me-early', 'merged'];
const levers = (
  values.lever ?? ['fp32=:original', 'fp32-token-layout=:original:tokens', 'pinned=:pinned', 'static=:static']
).map((spec) => {
  const eq = spec.indexOf('=');
  const [dir, shapes = 'original', ...flags] = spec.slice(eq + 1).split(':');
  if (eq <= 0) throw new Error(`--lever ${spec}: expected NAME=DIR:SHAPES[:tokens][:ahead][:t1][:me-early][:merged]`);
  if (!isShapeVariant(shapes || 'original'))
    throw new Error(`--lever ${spec}: shapes must be original, pinned or static`);
  const unknown = flags.filter((f) => !LEVER_FLAGS.includes(f));
  if (unknown.length > 0)
    throw new Error(`--lever ${spec}: unknown flag(s) ${unknown.join(', ')} (${LEVER_FLAGS.join(', ')})`);
  return {
    name: spec.slice(0, eq),
    models: dir || models,
    shapes: shapes || 'original',
    layoutInGraph: !flags.includes('tokens'),
    encoderAhead: flags.includes('ahead'),
    oneThread: flags.includes('t1'),
    memoryEarly: flags.includes('me-early'),
    mergeDecoder: flags.includes('merged'),
  };
});
// As the CLIs do: a model that crashes ONNX Runtime's CPU provider (FP16 memory_attention at level `all`) is
// found in a child process and fails its lever with a typed error instead of ending every lever's process.
setCrashProbeDefault(true);
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds ${values.rounds}: a whole number >= 1`);

const video = new SyntheticVideo({ width: 1280, height: 720, seed });
const tracked = frames + warmupFrames;
/** Binary masks (logits > 0) of every tracked frame. */
const masksOf = () => {
  const masks = [];
  return { masks, onFrame: (r) => masks.push(Uint8Array.from(r.maskLogits, (v) => (v > 0 ? 1 : 0))) };
};
const iou = (a, b) => {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i += 1) {
    inter += a[i] & b[i];
    union += a[i] | b[i];
  }
  return union === 0 ? 1 : inter / union;
};

const options = { stack: values.stack, referenceStack: values['reference-stack'], frames, warmupFrames, seed };
const previous = values.append
  ? await readFile(`${values.out}.json`, 'utf8').then(JSON.parse, () => undefined)
  : undefined;
if (previous && JSON.stringify(previous.options) !== JSON.stringify(options)) {
  throw new Error(`--append: ${values.out}.json was written with other options (${JSON.stringify(previous.options)})`);
}
const summary = previous ?? {
  kind: 'tamkit-loop-levers',
  schemaVersion: 1,
  createdAt: new Date().toISOString(),
  options,
  reference: undefined,
  levers: [],
};
const maskBytes = 128 * 128;
try {
  // The reference: FP32 models on the reference stack, host copies, no isolated runs (or its saved masks).
  const ref = masksOf();
  const saved = previous ? await readFile(`${values.out}.ref-masks.bin`).catch(() => undefined) : undefined;
  if (saved && saved.length === tracked * maskBytes) {
    for (let i = 0; i < tracked; i += 1)
      ref.masks.push(new Uint8Array(saved.subarray(i * maskBytes, (i + 1) * maskBytes)));
  } else {
    const referenceModels = values['reference-models'] ?? models;
    process.stderr.write(`reference: ${referenceModels} on ${values['reference-stack']}, ${tracked} frames...\n`);
    const refRun = await runPipeline({
      models: referenceModels,
      stacks: parseStackSpec(values['reference-stack']),
      frames,
      warmupFrames,
      isolatedIterations: 0,
      deviceOutputs: 'off',
      video,
      seed,
      ...threads,
      onFrame: ref.onFrame,
    });
    summary.reference = {
      models: referenceModels,
      stack: values['reference-stack'],
      p50Ms: refRun.result.perFrame.p50Ms,
    };
    const all = new Uint8Array(tracked * maskBytes);
    for (const [i, m] of ref.masks.entries()) all.set(m, i * maskBytes);
    await writeFileAtomic(`${values.out}.ref-masks.bin`, all);
    await writeFileAtomic(`${values.out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  }
  const probe = await getStack(values.stack).probe();
  if (!probe.available) {
    summary.unavailable = { stack: values.stack, reason: probe.reason, remedy: probe.remedy };
  } else {
    // Per lever, its rounds' results (round robin over the levers).
    const byLever = new Map(levers.map((l) => [l.name, { runs: [], error: undefined }]));
    for (let round = 0; round < rounds; round += 1) {
      for (const lever of levers) {
        const done = byLever.get(lever.name);
        if (done.error) continue;
        // A lever that crashes the process leaves this mark in the JSON (the next --append run keeps it).
        summary.levers.push({ ...lever, error: 'did not finish (the process died, e.g. a native crash)' });
        await writeFileAtomic(`${values.out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
        summary.levers.pop();
        const label = rounds > 1 ? ` (round ${round + 1}/${rounds})` : '';
        process.stderr.write(`${lever.name}: ${lever.models} (${lever.shapes}) on ${values.stack}${label}...\n`);
        const run = masksOf();
        try {
          const { result } = await runPipeline({
            models: lever.models,
            stacks: parseStackSpec(values.stack),
            frames,
            warmupFrames,
            isolatedIterations: Number(values['isolated-iterations']),
            deviceOutputs: values['device-outputs'],
            shapes: lever.shapes,
            layoutInGraph: lever.layoutInGraph,
            encoderAhead: lever.encoderAhead,
            memoryEarly: lever.memoryEarly,
            mergeDecoder: lever.mergeDecoder,
            variant: lever.name,
            video,
            seed,
            ...threads,
            ...(lever.oneThread ? { threads: 1, allowSpinning: false } : {}),
            onFrame: run.onFrame,
          });
          done.runs.push({ result, ious: run.masks.map((m, i) => iou(m, ref.masks[i])), loadAverage: loadavg()[0] });
        } catch (error) {
          done.error = String(error?.message ?? error).split('\n')[0];
        }
      }
    }
    for (const lever of levers) {
      const done = byLever.get(lever.name);
      if (done.error || done.runs.length === 0) {
        summary.levers.push({ ...lever, error: done.error ?? 'no round finished' });
        continue;
      }
      const runs = done.runs;
      const p50s = runs.map((d) => d.result.perFrame.p50Ms);
      const p50Ms = median(p50s);
      const isolatedSumMs = median(runs.map((d) => d.result.isolatedSumMs ?? Number.NaN));
      const last = runs[runs.length - 1];
      const ious = runs.flatMap((d) => d.ious);
      summary.levers.push({
        ...lever,
        models: resolve(lever.models),
        p50Ms,
        fps: 1000 / p50Ms,
        rounds: p50s,
        intervalP50Ms: median(runs.map((d) => d.result.interval?.p50Ms ?? Number.NaN)),
        isolatedSumMs: Number.isNaN(isolatedSumMs) ? undefined : isolatedSumMs,
        loopOverIsolated: Number.isNaN(isolatedSumMs) ? undefined : p50Ms / isolatedSumMs,
        perStageP50Ms: Object.fromEntries(
          Object.keys(last.result.perStage).map((k) => [k, median(runs.map((d) => d.result.perStage[k].p50Ms))]),
        ),
        // Each round's stage p50s and load: rounds of one lever spread 7-14 ms on the lent GPU machines, often in
        // two groups, and these say which stages move between a fast round and a slow one.
        roundStagesP50Ms: runs.map((d) =>
          Object.fromEntries(Object.entries(d.result.perStage).map(([k, v]) => [k, v.p50Ms])),
        ),
        roundLoadAverages: runs.map((d) => d.loadAverage),
        deviceOutputs: last.result.deviceOutputs,
        stack: values.stack,
        meanMaskIou: ious.reduce((s, v) => s + v, 0) / ious.length,
        minMaskIou: Math.min(...ious),
        iouFrames: ious.length / runs.length,
        loadAverage: median(runs.map((d) => d.loadAverage)),
        result: last.result,
      });
    }
  }
  const ms = (v) => (v === undefined ? '-' : v.toFixed(2));
  const stages = [...PIPELINE_STAGES, 'unstaged'];
  const header = [
    'load avg',
    'lever',
    'shapes',
    'ms/frame p50',
    'rounds',
    'interval p50',
    'fps',
    'isolated sum',
    'loop/isolated',
    'mask IoU mean/min',
    'outputs',
    ...stages,
  ];
  const rows = summary.levers.map((l) =>
    l.error
      ? ['-', l.name, l.shapes, `error: ${l.error}`, ...header.slice(4).map(() => '-')]
      : [
          l.loadAverage === undefined ? '-' : l.loadAverage.toFixed(1),
          l.name,
          [
            l.shapes,
            l.encoderAhead ? `encoder ahead${l.memoryEarly ? ', memory early' : ''}` : '',
            l.oneThread ? '1 thread' : '',
            l.mergeDecoder ? 'attention + decoder merged' : '',
          ]
            .filter(Boolean)
            .join(', '),
          ms(l.p50Ms),
          (l.rounds ?? [l.p50Ms]).map(ms).join(' '),
          ms(l.intervalP50Ms),
          l.fps.toFixed(1),
          ms(l.isolatedSumMs),
          l.loopOverIsolated === undefined ? '-' : `${l.loopOverIsolated.toFixed(3)}x`,
          `${l.meanMaskIou.toFixed(4)} / ${l.minMaskIou.toFixed(4)}`,
          l.deviceOutputs?.chosen ?? '-',
          ...stages.map((s) => ms(l.perStageP50Ms[s])),
        ],
  );
  const title = `Chained loop per lever on ${values.stack}: ${frames} timed frames after ${warmupFrames} warm-up; mask IoU over all ${tracked} tracked frames against ${values['reference-stack']} FP32 (${ms(summary.reference?.p50Ms)} ms/frame there)`;
  const md = [
    `# ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...(summary.unavailable ? ['', `${summary.unavailable.stack} unavailable: ${summary.unavailable.reason}`] : []),
    '',
  ].join('\n');
  await writeFileAtomic(`${values.out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFileAtomic(`${values.out}.md`, md);
  process.stdout.write(`${title}\n${renderTextTable(header, rows)}`);
  if (summary.unavailable)
    process.stdout.write(`${summary.unavailable.stack} unavailable: ${summary.unavailable.reason}\n`);
  process.stdout.write(`\nwrote ${values.out}.json and ${values.out}.md\n`);
  // The reference masks serve later --append runs only.
  if (!values.append) await rm(`${values.out}.ref-masks.bin`, { force: true });
} finally {
  if (cleanup) await rm(cleanup, { recursive: true, force: true });
}
