import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import type { BenchReport } from '../src/index.js';
import { environment, pipeline, report, stackResults } from './report-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-compare-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(name: string, value: BenchReport | object): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(value));
  return path;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const stacks = {
  image_encoder: 'ort-cpu',
  memory_attention: 'ort-cpu',
  mask_decoder: 'ort-cpu',
  memory_encoder: 'ort-cpu',
};
const baseline = report({
  label: 'main',
  modules: stackResults('ort-cpu', [49.3, 82.2, 6.1, 7.4]),
  pipelines: [pipeline(stacks, 150)],
});

describe('bench compare', () => {
  it('exits 3 on a regression and writes the markdown report and SVG chart', async () => {
    // Only memory_attention's model changed; the other three are controls.
    const modules = stackResults('ort-cpu', [49.3, 95, 6.1, 7.4]);
    modules[1] = stackResults('ort-cpu', [0, 95, 0, 0], 0.01, 'v2')[1]!;
    const current = report({ label: 'pr', modules, pipelines: [pipeline(stacks, 163)] });
    const out = join(dir, 'out');
    const result = await run([
      'compare',
      await save('base.json', baseline),
      await save('cur.json', current),
      '--out',
      out,
    ]);
    expect(result.code).toBe(ExitCode.Regression);
    expect(result.out).toMatch(/ort-cpu \/ memory_attention .*!! regression/);
    expect(result.out).toMatch(/ort-cpu \/ image_encoder .*control/);
    expect(result.out).toMatch(/unbaked \[ort-cpu\] .*regression/);
    expect((await readdir(out)).sort()).toEqual(['compare.md', 'compare.png', 'compare.svg']);
    const markdown = await readFile(join(out, 'compare.md'), 'utf8');
    expect(markdown).toContain('# Bench comparison: REGRESSION');
    expect(markdown).toContain('![comparison chart](compare.svg)');
    expect(markdown).toMatch(/\| ort-cpu \/ memory_attention \| 82\.2 \| 95\.0 \| \+15\.6% \|.*\*\*regression\*\*/);
    expect(markdown).toContain('| ort-cpu / image_encoder | 49.3 | 49.3 | 0.0% |');
    const svg = await readFile(join(out, 'compare.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('bench compare: main → pr');
    expect(svg).toMatch(/>ort-cpu \/ memory_attention<\/text>/);
    expect(svg).toMatch(/fill="#c0392b">regression, \+15\.6%; p50 82\.2 → 95\.0 ms<\/text>/);
    // The PNG is the same picture at twice the size.
    const png = await sharp(join(out, 'compare.png')).metadata();
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(png).toMatchObject({ format: 'png', width: 2 * svgWidth });
  });

  it('exits 0 when nothing regressed beyond noise', async () => {
    const current = report({
      modules: stackResults('ort-cpu', [48, 83, 6.0, 7.4], 0.01, 'v2'),
      pipelines: [pipeline(stacks, 149)],
    });
    const result = await run(['compare', await save('b.json', baseline), await save('c.json', current), '--out', dir]);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toContain('0 regression(s)');
  });

  it('honours --threshold: the same change passes at 20% and fails at 5%', async () => {
    const current = report({ modules: stackResults('ort-cpu', [49.3, 82.2 * 1.1, 6.1, 7.4], 0.01, 'v2') });
    const [b, c] = [await save('b.json', baseline), await save('c.json', current)];
    expect((await run(['compare', b, c, '--out', dir, '--threshold', '20%'])).code).toBe(ExitCode.Ok);
    expect((await run(['compare', b, c, '--out', dir, '--threshold', '5%'])).code).toBe(ExitCode.Regression);
  });

  it('refuses different environments with exit 1, lists the differences and writes nothing', async () => {
    const current = report({ environment: environment({ node: 'v22.1.0' }), modules: baseline.modules });
    const out = join(dir, 'out');
    const result = await run(['compare', await save('b.json', baseline), await save('c.json', current), '--out', out]);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toContain('ENVIRONMENT_MISMATCH');
    expect(result.err).toContain('node: v20.19.0 (baseline) vs v22.1.0 (current)');
    expect(result.err).toContain('--force');
    await expect(readdir(out)).rejects.toThrow();
  });

  it('compares different environments with --force and says so in the report', async () => {
    const current = report({ environment: environment({ node: 'v22.1.0' }), modules: baseline.modules });
    const result = await run([
      'compare',
      await save('b.json', baseline),
      await save('c.json', current),
      '--out',
      dir,
      '--force',
    ]);
    expect(result.code).toBe(ExitCode.Ok);
    expect(await readFile(join(dir, 'compare.md'), 'utf8')).toContain(
      'Forced comparison across different environments',
    );
  });

  it('prints the comparison as JSON with --json', async () => {
    const result = await run([
      'compare',
      await save('b.json', baseline),
      await save('c.json', baseline),
      '--out',
      dir,
      '--json',
    ]);
    const parsed = JSON.parse(result.out);
    expect(parsed.hasRegression).toBe(false);
    expect(parsed.rows).toHaveLength(5);
    expect(parsed.markdownPath).toBe(join(dir, 'compare.md'));
  });

  it('takes --pair-stack before the positionals without swallowing them', async () => {
    const fp32 = report({ modules: stackResults('trt-fp32', [1.4, 1.2, 0.5, 0.3]) });
    const fp16 = report({ modules: stackResults('trt-fp16', [0.8, 0.7, 0.4, 0.2]) });
    const [b, c] = [await save('fp32.json', fp32), await save('fp16.json', fp16)];
    const result = await run(['compare', '--pair-stack', 'trt-fp32=trt-fp16', b, c, '--out', dir]);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/trt-fp16 \/ image_encoder .*improvement/);
  });

  it('exits 5 when no regression was found but a pair was too noisy to judge', async () => {
    // memory_attention moved by 10% with a 30% spread sample to sample: neither "no change" nor a regression.
    const noisy = stackResults('ort-cpu', [49.3, 82.2 * 1.1, 6.1, 7.4], 0.3, 'v2');
    const result = await run([
      'compare',
      await save('b.json', report({ modules: stackResults('ort-cpu', [49.3, 82.2, 6.1, 7.4], 0.3) })),
      await save('c.json', report({ modules: noisy })),
      '--out',
      dir,
    ]);
    expect(result.code).toBe(ExitCode.TooNoisy);
    expect(result.out).toMatch(/ort-cpu \/ memory_attention .*too-noisy/);
    expect(result.out).toContain('TOO NOISY TO JUDGE');
    expect(await readFile(join(dir, 'compare.md'), 'utf8')).toContain('# Bench comparison: too noisy to judge');
  });

  it('BAD CALL - exits 2 on the removed --noise-k, saying what replaced it', async () => {
    const b = await save('b.json', baseline);
    const result = await run(['compare', b, b, '--noise-k', '2', '--out', dir]);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err).toContain('--noise-k was removed');
  });

  it('BAD CALL - refuses a report of an unknown schema version with exit 1', async () => {
    const future = { ...baseline, schemaVersion: 2 };
    const result = await run(['compare', await save('b.json', baseline), await save('f.json', future), '--out', dir]);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toContain('schemaVersion 2');
  });

  it('BAD CALL - exits 2 on a threshold without a unit', async () => {
    const b = await save('b.json', baseline);
    const result = await run(['compare', b, b, '--threshold', '5']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err).toContain('--threshold 5%');
  });

  it('BAD CALL - exits 2 when the current report is not named', async () => {
    expect((await run(['compare', await save('b.json', baseline)])).code).toBe(ExitCode.Usage);
  });
});
