import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports, getStack, runBench } from '../src/index.js';

// memory_attention of the tiny export-style zoo: num_mem_tokens symbolic, num_obj_ptr_tokens an int64 scalar.
let dir: string;
beforeAll(async () => {
  const zoo = await mkdtemp(join(tmpdir(), 'tamkit-bench-shapes-zoo-'));
  await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
  dir = await mkdtemp(join(tmpdir(), 'tamkit-bench-shapes-'));
  await copyFile(join(zoo, 'memory_attention.onnx'), join(dir, 'memory_attention.onnx'));
  await rm(zoo, { recursive: true, force: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bench = (shapeVariant?: 'pinned' | 'static') =>
  runBench({
    stacks: ['ort-cpu'],
    models: dir,
    budget: { warmupIterations: 1, iterations: 6 },
    threads: 1,
    profileRuns: 0,
    shapes: { memory: [2080, 1, 16], memory_pos: [2080, 1, 16] },
    ...(shapeVariant === undefined ? {} : { shapeVariant }),
  });

describe('bench --shapes', () => {
  it('static: runs the model specialised to the benchmarked shapes and pointer-token value, and records them', async () => {
    const [result] = (await bench('static')).modules;
    expect(result!.shapes).toBe('static');
    expect(result!.options.specialize).toEqual({
      shapes: { memory: [2080, 1, 16], memory_pos: [2080, 1, 16] },
      values: { num_obj_ptr_tokens: expect.any(Number) },
    });
    const note = result!.notes.find((n) => n.startsWith('specialised to memory=2080x1x16'));
    const [, before, after] = /: (\d+) -> (\d+) nodes/.exec(note ?? '') ?? [];
    expect(Number(after)).toBeLessThan(Number(before));
  }, 60_000);

  it('pinned: fixes the symbolic dim by name (freeDimensionOverrides), the graph otherwise unchanged', async () => {
    const [result] = (await bench('pinned')).modules;
    expect(result!.options.freeDimensionOverrides).toEqual({ num_mem_tokens: 2080 });
    expect(result!.options.specialize).toBeUndefined();
    expect(result!.notes).toContain(
      'dims pinned (freeDimensionOverrides, applied to the loaded model): memory[0] num_mem_tokens=2080, memory_pos[0] num_mem_tokens=2080',
    );
  }, 60_000);

  it('pinned: the session refuses another size, as ONNX Runtime does with the option applied', async () => {
    const runner = getStack('ort-cpu').createWith({ threads: 1, freeDimensionOverrides: { num_mem_tokens: 2080 } });
    await runner.activate(join(dir, 'memory_attention.onnx'));
    try {
      expect(runner.inputs.find((i) => i.name === 'memory')!.shape).toEqual([2080, 1, 16]);
      const { Tensor } = await import('onnxruntime-node');
      const tokens = (n: number) => new Tensor('float32', new Float32Array(n * 16), [n, 1, 16]);
      const curr = new Tensor('float32', new Float32Array(1024 * 32), [1024, 1, 32]);
      // n tokens: whole frames of 1024 tokens, then n mod 1024 pointer tokens.
      const feeds = (n: number) => ({
        curr,
        curr_pos: curr,
        memory: tokens(n),
        memory_pos: tokens(n),
        num_obj_ptr_tokens: new Tensor('int64', BigInt64Array.from([BigInt(n % 1024)]), []),
      });
      await expect(runner.infer(feeds(1024))).rejects.toThrow(/memory/);
      expect((await runner.infer(feeds(2080))).pix_feat_with_mem?.dims).toEqual([1024, 1, 32]);
    } finally {
      await runner.deactivate();
    }
  }, 60_000);

  it('compare notes the shape change on the module row', async () => {
    const original = await bench();
    const specialised = await bench('static');
    const comparison = compareReports(original, specialised, { force: true });
    const row = comparison.rows.find((r) => r.module === 'memory_attention');
    expect(row?.notes).toContain('shapes original -> static');
  }, 60_000);
});
