/**
 * Benchmark: how long generating the full EfficientTAM-Ti zoo takes (goal: under 15 s on a 2-core machine).
 * Times `writeZoo` end to end (what `graph-surgery zoo` does) and, separately, each module's build (graph +
 * weights + FLOP estimate), encoding and write. Writes JSON to reports/zoo-generate.json and prints a table.
 *
 * Usage: npm run bench:zoo -- [--runs N] [--seed N] [--outliers] [--style export|clean] [--out reports/zoo-generate.json]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '@tamkit/common';
import {
  buildZoo,
  EFFICIENTTAM_MODULES,
  efficientTamTiBuilders,
  encodeModel,
  writeFileAtomic,
  writeZoo,
  ZOO_GENERATOR_VERSION,
  type ZooStyle,
} from '../src/index.js';

const GOAL_SECONDS = 15;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '0' },
    outliers: { type: 'boolean', default: false },
    style: { type: 'string', default: 'export' },
    out: { type: 'string', default: 'reports/zoo-generate.json' },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
const outliers = values.outliers ?? false;
const style = values.style as ZooStyle;

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
};

const modules = EFFICIENTTAM_MODULES.filter((m) => efficientTamTiBuilders[m]);
const work = await mkdtemp(join(tmpdir(), 'zoo-bench-'));
const endToEnd: number[] = [];
const perModule: Record<string, { build: number[]; encode: number[]; write: number[]; bytes: number }> = {};
try {
  for (let run = 0; run < runs; run++) {
    const dir = join(work, `run-${run}`);
    const [, ms] = await time(() => writeZoo(dir, { model: 'efficienttam-ti', size: 'full', seed, outliers, style }));
    endToEnd.push(ms);
    for (const module of modules) {
      const [built, buildMs] = await time(() =>
        buildZoo({ model: 'efficienttam-ti', size: 'full', seed, outliers, style, modules: [module] }),
      );
      const [bytes, encodeMs] = await time(() => encodeModel(built.modules[module]!));
      const [, writeMs] = await time(() => writeFileAtomic(join(dir, `${module}.again.onnx`), bytes));
      const entry = perModule[module] ?? { build: [], encode: [], write: [], bytes: bytes.byteLength };
      entry.build.push(buildMs);
      entry.encode.push(encodeMs);
      entry.write.push(writeMs);
      perModule[module] = entry;
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const report = {
  benchmark: 'zoo-generate',
  schemaVersion: 1,
  date: new Date().toISOString(),
  generatorVersion: ZOO_GENERATOR_VERSION,
  options: { model: 'efficienttam-ti', size: 'full', seed, outliers, style, runs },
  loadAverage: loadavg(),
  machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
  goalSeconds: GOAL_SECONDS,
  endToEndMs: { median: median(endToEnd), samples: endToEnd },
  modules: Object.fromEntries(
    Object.entries(perModule).map(([name, m]) => [
      name,
      { bytes: m.bytes, buildMs: median(m.build), encodeMs: median(m.encode), writeMs: median(m.write) },
    ]),
  ),
};
await mkdir(dirname(values.out!), { recursive: true });
await writeFile(values.out!, `${JSON.stringify(report, null, 2)}\n`);

const rows = Object.entries(report.modules).map(([name, m]) => [
  name,
  (m.bytes / 1e6).toFixed(1),
  m.buildMs.toFixed(0),
  m.encodeMs.toFixed(0),
  m.writeMs.toFixed(0),
]);
const header = ['module', 'MB', 'build ms', 'encode ms', 'write ms'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
const seconds = report.endToEndMs.median / 1000;
console.log(
  `\nfull zoo (${modules.length} modules, writeZoo end to end): median ${seconds.toFixed(2)} s over ${runs} runs on ` +
    `${report.machine.cpus} CPUs; goal < ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? 'met' : 'MISSED'}`,
);
console.log(`report: ${values.out}`);
