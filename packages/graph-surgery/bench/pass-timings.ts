/**
 * Times every graph-surgery pass on every full-size zoo module (in memory: no file I/O), median of `--runs`,
 * and writes reports/pass-timings.json. The acceptance goal is under 2 s per pass and module.
 *
 *   node --conditions=source --import tsx packages/graph-surgery/bench/pass-timings.ts [--runs 5]
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { median } from '@tamkit/common';
import {
  bakeModule,
  buildZoo,
  convertToFloat16,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  insertFp32Islands,
  probeTensors,
} from '../src/index.js';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
const { modules } = buildZoo({ model: 'efficienttam-ti', size: 'full', seed: 0 });

const results: Record<string, Record<string, { medianMs: number; samplesMs: number[] }>> = {};
let worst = 0;
for (const name of EFFICIENTTAM_MODULES) {
  const model = modules[name];
  if (!model) continue;
  const half = convertToFloat16(model).model;
  const islands = ['mixed'];
  const passes: Record<string, () => unknown> = {
    fp16: () => convertToFloat16(model),
    'fp32-islands': () => insertFp32Islands(half, { patterns: islands }),
    'emulate-fp16': () => emulateFloat16(model),
    'emulate-fp16 --fused-attention': () => emulateFloat16(model, { fusedAttention: true }),
    'probe --pattern layernorm': () => probeTensors(model, { pattern: 'layernorm' }),
  };
  if (name !== 'memory_encoder') passes['bake (all, with box)'] = () => bakeModule(model, { maskBox: true });
  results[name] = {};
  for (const [pass, run] of Object.entries(passes)) {
    const samplesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      run();
      samplesMs.push(Math.round((performance.now() - t) * 10) / 10);
    }
    const medianMs = median(samplesMs);
    worst = Math.max(worst, ...samplesMs);
    results[name][pass] = { medianMs, samplesMs };
  }
}
const report = {
  benchmark: 'graph-surgery-pass-timings',
  schemaVersion: 1,
  date: new Date().toISOString(),
  zoo: { model: 'efficienttam-ti', size: 'full', seed: 0 },
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version },
  goalMs: 2000,
  worstSampleMs: worst,
  runs,
  results,
};
await writeFile('reports/pass-timings.json', `${JSON.stringify(report, null, 2)}\n`);
for (const [module, passes] of Object.entries(results)) {
  console.log(
    module,
    Object.entries(passes)
      .map(([p, r]) => `${p} ${r.medianMs} ms`)
      .join(', '),
  );
}
console.log(`worst sample ${worst} ms (goal < 2000 ms)`);
