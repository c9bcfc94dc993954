/** `bench combine`: reports of several runners (GPU kinds) side by side, each with its environment. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { type BenchReport, type CombinedReport, combineReports } from '../src/index.js';
import { environment, MODULES, pipeline, report, stackResults } from './report-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-combine-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** CSV rows as records (the fixtures hold no quoted commas). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

async function save(name: string, value: BenchReport): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(value));
  return path;
}

const stacks = Object.fromEntries(MODULES.map((m) => [m, 'trt-fp16']));
const h200 = report({
  environment: environment({ hostname: 'h200-a' }),
  modules: [...stackResults('trt-fp16', [2.1, 3.4, 0.5, 0.7]), ...stackResults('ort-cuda', [4, 6, 1, 1.2])],
  pipelines: [pipeline(stacks, 8)],
});
const l40s = report({
  environment: environment({ gpu: { name: 'NVIDIA L40S', driver: '570.86' }, hostname: 'l40s-1' }),
  modules: stackResults('trt-fp16', [3.9, 5.1, 0.45, 1.3]),
  pipelines: [pipeline(stacks, 12)],
});
const h200b = report({
  environment: environment({ hostname: 'h200-b', gpu: { name: 'NVIDIA H200', driver: '580.10' } }),
  modules: stackResults('trt-fp16', [2.2, 3.3, 0.5, 0.8]),
});
const inputs = [
  { report: h200, source: 'h200.json' },
  { report: l40s, source: 'l40s.json' },
  { report: h200b, source: 'h200b.json' },
];

describe('combineReports', () => {
  it('one row per stack and module with one cell per runner, the fastest named, each runner kept apart', () => {
    const combined = combineReports(inputs);
    expect(combined.runners.map((r) => r.label)).toEqual(['NVIDIA H200', 'NVIDIA L40S', 'NVIDIA H200 #2']);
    expect(combined.runners[1]!.environment).toEqual(l40s.environment);
    expect(combined.modules.map((m) => `${m.stack} ${m.module}`)).toEqual([
      ...MODULES.map((m) => `trt-fp16 ${m}`),
      ...MODULES.map((m) => `ort-cuda ${m}`),
    ]);
    for (const row of combined.modules) {
      const measured = inputs.map((i) =>
        i.report.modules.find((m) => m.stack === row.stack && m.module === row.module),
      );
      const best = Math.min(...measured.flatMap((m) => (m ? [m.latency.p50Ms] : [])));
      row.cells.forEach((cell, i) => {
        if (!measured[i]) expect(cell).toBeNull();
        else
          expect(cell).toMatchObject({
            p50Ms: measured[i]!.latency.p50Ms,
            vsFastest: measured[i]!.latency.p50Ms / best,
          });
      });
      expect(row.fastest).toBe(combined.runners[measured.findIndex((m) => m?.latency.p50Ms === best)]!.label);
    }
    // Only the H200 runner measured ort-cuda.
    expect(combined.modules.at(-1)!.cells.slice(1)).toEqual([null, null]);
    expect(combined.pipelines[0]!.cells.map((c) => c?.fps)).toEqual([
      h200.pipelines[0]!.fps,
      l40s.pipelines[0]!.fps,
      undefined,
    ]);
  });

  it('lists the environment fields that differ, with each runner value, and only those', () => {
    const combined = combineReports(inputs);
    expect(combined.differences).toEqual([
      { field: 'gpu.name', values: ['NVIDIA H200', 'NVIDIA L40S', 'NVIDIA H200'] },
      { field: 'gpu.driver', values: ['570.86', '570.86', '580.10'] },
    ]);
  });

  it('flags a row whose runners timed different model files', () => {
    const other = report({ modules: stackResults('trt-fp16', [2, 3, 0.5, 0.7], 0.01, 'v2') });
    const combined = combineReports([inputs[0]!, { report: other, source: 'other.json', label: 'other' }]);
    expect(combined.modules.filter((m) => m.stack === 'trt-fp16').every((m) => !m.sameModel)).toBe(true);
    expect(combined.warnings[0]).toMatch(/trt-fp16 image_encoder: the runners timed different model files/);
  });
});

describe('bench combine', () => {
  it('prints the side-by-side table and writes JSON, markdown with each environment, and CSV', async () => {
    const files = [await save('h200.json', h200), await save('l40s.json', l40s), await save('h200b.json', h200b)];
    const out = join(dir, 'combined.json');
    const markdown = join(dir, 'gpus.md');
    const csv = join(dir, 'gpus.csv');
    const result = await run([
      'combine',
      ...files,
      '--label',
      'H200',
      'L40S',
      '-o',
      out,
      '--markdown',
      markdown,
      '--csv',
      csv,
    ]);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/stack module\s+H200 p50 ms\s+L40S p50 ms\s+NVIDIA H200 p50 ms\s+fastest/);
    expect(result.out).toMatch(/ort-cuda image_encoder\s+\S+\s+-\s+-\s+H200/);
    const combined: CombinedReport = JSON.parse(await readFile(out, 'utf8'));
    expect(combined).toEqual(
      JSON.parse(
        JSON.stringify(
          combineReports(
            inputs.map((i, k) => ({ ...i, source: files[k]!, ...(k < 2 ? { label: ['H200', 'L40S'][k] } : {}) })),
          ),
        ),
      ),
    );
    const md = await readFile(markdown, 'utf8');
    expect(md).toContain('## L40S');
    expect(md).toContain('- GPU: NVIDIA L40S, driver 570.86');
    expect(md).toMatch(/\| trt-fp16 image_encoder \| .* \| H200 \|/);
    const rows: Record<string, string>[] = parseCsv(await readFile(csv, 'utf8'));
    const cells = combined.modules.flatMap((m) => m.cells).filter(Boolean).length;
    const pipelineCells = combined.pipelines.flatMap((p) => p.cells).filter(Boolean).length;
    expect(rows).toHaveLength(cells + pipelineCells);
    expect(rows.find((r) => r.runner === 'L40S' && r.module === 'mask_decoder')).toMatchObject({
      gpu: 'NVIDIA L40S',
      p50_ms: String(l40s.modules[2]!.latency.p50Ms),
    });
  });

  it('bench compare still refuses the same two reports across environments unless --force', async () => {
    const base = await save('a.json', h200);
    const other = await save('b.json', report({ ...l40s, modules: h200.modules }));
    const refused = await run(['compare', base, other, '--out', join(dir, 'cmp')]);
    expect(refused.code).toBe(ExitCode.Failure);
    expect(refused.err).toMatch(/gpu\.name/);
    expect(refused.err).toContain('--force');
  });

  it('BAD CALL - one report, or more labels than reports, is a usage error', async () => {
    const one = await save('h200.json', h200);
    expect((await run(['combine', one])).code).toBe(ExitCode.Usage);
    const labels = await run(['combine', one, one, '--label', 'a', 'b', 'c']);
    expect(labels.code).toBe(ExitCode.Usage);
    expect(labels.err).toMatch(/3 --label values for 2 reports/);
  });
});
