import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const script = fileURLToPath(new URL('../bench/levers.ts', import.meta.url));

interface Row {
  stack: string;
  module: string;
  variant: string;
  p50Ms?: number;
  worstRelativeL2?: number;
  kernels?: { nodesPerRun: number };
  skipped?: string;
  error?: string;
}

describe('levers benchmark script (the device lever timings, here on ort-cpu)', () => {
  it('times each lever on realistic inputs, checks it against FP32 on ort-cpu and counts its nodes per run', async () => {
    const out = join(await tempDir('tamkit-levers-'), 'levers.json');
    const run = spawnSync(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        script,
        ...['--size', 'tiny', '--stack', 'ort-cpu', '--module', 'memory_encoder', '--threads', '1'],
        ...['--variant', 'fp32', '--variant', 'fuse-all', '--variant', 'fuse-casts', '--variant', 'fp16'],
        ...['--iterations', '2', '--warmup', '1', '--profile-runs', '1', '--out', out],
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8')) as { kind: string; results: Row[] };
    expect(report.kind).toBe('tamkit-levers');
    const row = (variant: string) => report.results.find((r) => r.variant === variant)!;
    for (const variant of ['fp32', 'fuse-all']) {
      expect(row(variant).error).toBeUndefined();
      expect(row(variant).p50Ms).toBeGreaterThan(0);
      expect(row(variant).worstRelativeL2).toBeLessThan(1e-5);
    }
    // memory_encoder's six LayerNorm2d and six GELUs fused: fewer node executions per run.
    expect(row('fuse-all').kernels!.nodesPerRun).toBeLessThan(row('fp32').kernels!.nodesPerRun);
    expect(row('fuse-casts').skipped).toMatch(/no site/);
    expect(row('fp16').skipped).toMatch(/computes FP16 in FP32/);
    expect(run.stdout).toMatch(/memory_encoder\tfuse-all\t/);
  });
});
