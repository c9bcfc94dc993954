/**
 * A real native crash, no double: ONNX Runtime 1.30's CPU provider segfaults while it optimises (level 'all',
 * its NCHWc layout transformer) the graph of an FP16 memory_attention with the `mixed` FP32 islands, found by
 * the chained-loop levers on the tiny export-style zoo. The crash probe must turn it into a NativeCrashError
 * naming the module, the stack, the phase (graph optimisation) and the first node whose prefix crashes, and
 * `--graph-optimization extended` must run the same file. If a later ONNX Runtime stops crashing here, the first
 * test fails on purpose: the known-crash note and the remedy in the README are then to be revisited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { convertToFloat16, insertFp32Islands, readModel, writeModel, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, NativeCrashError } from '../src/index.js';
import { bench } from './helpers/cli.js';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-crash-real-'));
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 1 });
  const fp16 = convertToFloat16(await readModel(join(dir, 'zoo', 'memory_attention.onnx')), { keepIoTypes: true });
  const mixed = insertFp32Islands(fp16.model, { patterns: ['mixed'] });
  model = join(dir, 'memory_attention.onnx');
  await writeModel(mixed.model, model);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('crash probe on a real ONNX Runtime crash (ort-cpu, FP16 + mixed memory_attention)', () => {
  it('names the module, the stack, the graph-optimisation phase and the crashing node, before this process crashes', async () => {
    const runner = createRunner('ort-cpu', { crashProbe: true, crashProbeCacheDir: join(dir, 'cache') });
    const error = await runner.activate(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeCrashError);
    const crash = error as NativeCrashError;
    expect(crash.phase).toBe('session');
    expect(crash.exit).toBe('signal SIGSEGV');
    expect(crash.node?.opType).toBeTruthy();
    expect(crash.message).toMatch(/ort-cpu: ONNX Runtime crashes natively \(signal SIGSEGV\) optimising the graph of/);
    expect(crash.message).toContain(`"${crash.node!.name}"`);
    expect(crash.remedy).toContain('--graph-optimization extended');
  });

  it('bench exits with the native-crash code, and runs the file with --graph-optimization extended', async () => {
    process.env.TAMKIT_CRASH_PROBE_CACHE = join(dir, 'cache-cli');
    try {
      const args = ['--stack', 'ort-cpu', '--models', model, '--iterations', '2', '--warmup', '1'];
      const crashed = await bench(...args);
      expect(crashed.code).toBe(ExitCode.NativeCrash);
      expect(crashed.err).toMatch(/NATIVE_CRASH.*optimising the graph of memory_attention\.onnx/);
      const lowered = await bench(...args, '--graph-optimization', 'extended');
      expect(lowered.code).toBe(ExitCode.Ok);
      expect(lowered.out).toMatch(/memory_attention/);
    } finally {
      delete process.env.TAMKIT_CRASH_PROBE_CACHE;
    }
  });
});
