import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { type BenchReport, encodeTinyModel, parseBenchReport, runBench } from '../src/index.js';
import { matMulChain, writeTinyModels } from './helpers/tiny-models.js';

let work: Awaited<ReturnType<typeof writeTinyModels>>;
let before: string;
let after: string;

async function bench(dir: string, name: string): Promise<string> {
  const report = await runBench({
    stacks: ['ort-cpu'],
    models: dir,
    budget: { warmupIterations: 1, iterations: 6 },
    threads: 1,
    profileRuns: 0,
  });
  const path = join(work.dir, `${name}.json`);
  await writeFile(path, JSON.stringify(report));
  return path;
}

beforeAll(async () => {
  // Before: a 4-layer chain and a control; after: the chain re-exported (other node names, same work), the
  // control copied byte for byte.
  work = await writeTinyModels({});
  const [a, b] = [join(work.dir, 'a'), join(work.dir, 'b')];
  await mkdir(a);
  await mkdir(b);
  await writeFile(join(a, 'chain.onnx'), encodeTinyModel(matMulChain(4, 48, 'before')));
  await writeFile(join(a, 'control.onnx'), encodeTinyModel(matMulChain(2, 48, 'control')));
  await writeFile(join(b, 'chain.onnx'), encodeTinyModel(matMulChain(4, 48, 'after')));
  await copyFile(join(a, 'control.onnx'), join(b, 'control.onnx'));
  before = await bench(a, 'before');
  after = await bench(b, 'after');
});
afterAll(() => work.dispose());

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bench compare --interleave', () => {
  it('measures both sides again round by round and judges them paired, with the copied model as control', async () => {
    const out = join(work.dir, 'out');
    const result = await run([
      'compare',
      before,
      after,
      '--interleave',
      '--rounds',
      '4',
      '--round-iterations',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect([ExitCode.Ok, ExitCode.Regression, ExitCode.TooNoisy]).toContain(result.code);
    expect(result.err).toContain('interleave: round 4/4, ETA 0 s');
    const comparison = JSON.parse(result.out);
    expect(comparison.interleaved).toBe(true);
    const rows = Object.fromEntries(comparison.rows.map((r: { module: string }) => [r.module, r]));
    expect(rows.control.verdict).toBe('control');
    expect(rows.chain.interval.method).toBe('paired-rounds');
    expect(rows.chain.notes).toContain('model changed');
    expect((await readdir(out)).sort()).toEqual([
      'compare-baseline.json',
      'compare-current.json',
      'compare.md',
      'compare.png',
      'compare.svg',
    ]);
    const written: BenchReport = parseBenchReport(
      JSON.parse(await readFile(join(out, 'compare-current.json'), 'utf8')),
    );
    expect(written.interleaved).toMatchObject({ side: 'current', rounds: 4, iterationsPerRound: 3 });
    const chain = written.modules.find((m) => m.module === 'chain')!;
    expect(chain.latency.samples).toBe(12);
    expect(chain.latency.sampleRounds).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(chain.notes.at(-1)).toContain('measured again interleaved');
  });

  it('BAD CALL - refuses with exit 1 when a model changed since it was measured, and writes nothing', async () => {
    const report = JSON.parse(await readFile(after, 'utf8')) as BenchReport;
    report.modules[0]!.modelSha256 = 'f'.repeat(64);
    const changed = join(work.dir, 'changed.json');
    await writeFile(changed, JSON.stringify(report));
    const out = join(work.dir, 'refused');
    const result = await run(['compare', before, changed, '--interleave', '--out', out]);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toContain('MODEL_CHANGED');
    expect(result.err).toContain('without --interleave');
    await expect(readdir(out)).rejects.toThrow();
  });
});
