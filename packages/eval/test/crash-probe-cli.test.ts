/**
 * `track-eval fidelity` on ort-cpu when ONNX Runtime crashes natively on a module (the command of issue 11, item
 * 3). The crash comes from bench's named TEST DOUBLE at the process boundary (TAMKIT_CRASH_PROBE_DOUBLE_OP: the
 * crash-probe child kills itself with SIGSEGV before running a model with that op; see bench's
 * test/crash-probe.test.ts for why no real ORT 1.30 crash is used).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TRACKER_MODULES } from '@tamkit/bench';
import { ExitCode } from '@tamkit/common';
import { nodesInOrder, readModel, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { captureIo, tempDir } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await tempDir('eval-crash-');
  await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 3 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('track-eval fidelity with a module that crashes ONNX Runtime', () => {
  it('exits with the native-crash code, naming the first module opened that crashes, the stack and the op', async () => {
    const zoo = join(dir, 'zoo');
    process.env.TAMKIT_CRASH_PROBE_DOUBLE_OP = 'Softmax';
    process.env.TAMKIT_CRASH_PROBE_CACHE = join(dir, 'cache');
    const io = captureIo();
    try {
      const argv = ['fidelity', '--models', zoo, '--reference-models', zoo, '--stack', 'ort-cpu'];
      const code = await main([...argv, '--reference-stack', 'ort-cpu', '--frames', '3', '--iterations', '0'], io);
      expect(code).toBe(ExitCode.NativeCrash);
    } finally {
      delete process.env.TAMKIT_CRASH_PROBE_DOUBLE_OP;
      delete process.env.TAMKIT_CRASH_PROBE_CACHE;
    }
    // Modules open in tracker order; the first with a Softmax is the one the probe stops at.
    let expected: { module: string; node: string } | undefined;
    for (const m of TRACKER_MODULES) {
      const softmax = nodesInOrder(await readModel(join(zoo, `${m}.onnx`))).find((n) => n.opType === 'Softmax');
      if (softmax) {
        expected = { module: m, node: softmax.name ?? '' };
        break;
      }
    }
    const err = io.stderr.join('\n');
    expect(err).toContain(`ort-cpu: ONNX Runtime crashes natively (signal SIGSEGV) running ${expected!.module}.onnx`);
    expect(err).toContain(`Softmax "${expected!.node}"`);
  });
});
