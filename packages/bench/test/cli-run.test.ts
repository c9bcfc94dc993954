import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../src/cli/index.js';
import { bench } from './helpers/cli.js';
import { ATTENTION_SCORES_MODEL, writeTinyModels } from './helpers/tiny-models.js';

let models: Awaited<ReturnType<typeof writeTinyModels>>;
beforeAll(async () => {
  models = await writeTinyModels({ scores: ATTENTION_SCORES_MODEL });
});
afterAll(() => models.dispose());

const quick = ['--iterations', '5', '--warmup', '1', '--profile-runs', '1'];

describe('bench (run, the default command)', () => {
  it('runs every module on ort-cpu, prints a table and writes the JSON report and the CSV', async () => {
    const json = join(models.dir, 'out', 'report.json');
    const csv = join(models.dir, 'out', 'report.csv');
    const { code, out } = await bench(
      '--stack',
      'ort-cpu',
      '--models',
      models.dir,
      ...quick,
      '--json',
      json,
      '--csv',
      csv,
    );
    expect(code).toBe(ExitCode.Ok);
    expect(out).toMatch(/ort-cpu/);
    expect(out).toMatch(/scores\s+\d+\.\d+/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({
      kind: 'tamkit-bench',
      schemaVersion: 1,
      modules: [{ stack: 'ort-cpu', module: 'scores' }],
    });
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^row,stack,module,pipeline,samples,min_ms/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^module,ort-cpu,scores,,5,/);
  });

  it('accepts the explicit `run` command name and prints JSON to stdout with --json=-', async () => {
    const { code, out } = await bench(
      'run',
      '--stack',
      'ort-cpu',
      '--models',
      join(models.dir, 'scores.onnx'),
      ...quick,
      '--json=-',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(JSON.parse(out).modules[0].latency.samples).toBe(5);
  });

  it('exits 4 when no named stack can run, still writing the report that says why', async () => {
    const json = join(models.dir, 'none.json');
    const { code, out } = await bench(
      '--stack',
      'ort-cuda',
      '--stack',
      'trt-fp16',
      '--models',
      models.dir,
      ...quick,
      '--json',
      json,
    );
    expect(code).toBe(ExitCode.Unavailable);
    expect(out).toContain('ort-cuda unavailable');
    expect(JSON.parse(readFileSync(json, 'utf8')).unavailable.map((u: { stack: string }) => u.stack)).toEqual([
      'ort-cuda',
      'trt-fp16',
    ]);
  });

  it('BAD CALL - usage mistakes exit 2 and write nothing', async () => {
    const json = join(models.dir, 'never.json');
    expect((await bench('--stack', 'ort-nope', '--models', models.dir)).code).toBe(ExitCode.Usage);
    expect((await bench('--stack', 'ort-cpu', '--models', models.dir, '--iterations', '0', '--json', json)).code).toBe(
      ExitCode.Usage,
    );
    expect((await bench('--stack', 'ort-cpu', '--models', models.dir, '--shape', 'a=3x8', '--json', json)).code).toBe(
      ExitCode.Usage,
    );
    expect((await bench('--models', models.dir)).code).toBe(ExitCode.Usage);
    expect(existsSync(json)).toBe(false);
  });

  it('BAD CALL - a missing models directory exits 1 with a remedy', async () => {
    const { code, err } = await bench('--stack', 'ort-cpu', '--models', join(models.dir, 'missing'));
    expect(code).toBe(ExitCode.Failure);
    expect(err).toMatch(/BENCH_MODELS_NOT_FOUND.*\n.*Note: Point --models/);
  });

  it('prints the trtexec commands a trt-* stack would run, with the same shapes, and runs nothing', async () => {
    const { code, out } = await bench(
      '--stack',
      'trt-fp16',
      '--stack',
      'ort-cpu',
      '--models',
      models.dir,
      '--shape',
      'a:6x8',
      '--iterations',
      '7',
      '--print-command',
      '--trt-version',
      '10',
    );
    expect(code).toBe(ExitCode.Ok);
    const lines = out.split('\n');
    const build = lines.find((l) => l.includes('--saveEngine='))!;
    expect(build).toMatch(/^trtexec --onnx=\S+scores\.onnx .*--fp16/);
    expect(build).toContain('--minShapes=a:6x8 --optShapes=a:6x8 --maxShapes=a:6x8');
    expect(lines.find((l) => l.includes('--loadEngine='))).toContain('--shapes=a:6x8 --iterations=7 --duration=0');
    expect(out).toContain('# ort-cpu scores: runs in this process');
  });

  it('documents every option with examples in its help', async () => {
    const help = await buildCli([], { out() {}, err() {} }, () => {}).getHelp();
    expect(help).toContain('Examples:');
    for (const flag of [
      '--stack',
      '--models',
      '--json',
      '--csv',
      '--iterations',
      '--time-ms',
      '--warmup',
      '--threads',
      '--allow-partial',
      '--shape',
    ]) {
      expect(help).toContain(flag);
    }
  });
});

describe('bench list', () => {
  it('lists every stack with its availability and a remedy for each unavailable one', async () => {
    const { code, out } = await bench('list', '--json');
    expect(code).toBe(ExitCode.Ok);
    const stacks = JSON.parse(out) as { name: string; availability: { available: boolean; remedy?: string } }[];
    expect(stacks.map((s) => s.name)).toEqual([
      'ort-cpu',
      'ort-webgpu',
      'ort-cuda',
      'ort-trt',
      'trt-fp32',
      'trt-fp16',
      'trt-bf16',
      'trt-mixed',
    ]);
    expect(stacks[0]!.availability.available).toBe(true);
    for (const s of stacks) if (!s.availability.available) expect(s.availability.remedy).toBeTruthy();
  });

  it('prints a table by default', async () => {
    const { out } = await bench('list');
    expect(out).toMatch(/^stack\s+family\s+available/);
    expect(out).toMatch(/ort-cpu\s+onnxruntime\s+yes/);
  });
});
