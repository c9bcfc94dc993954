/**
 * Precision tools on ort-cuda: FP32 ort-cuda against ort-cpu, FP16 with FP32 islands, and bisection on native
 * FP16. The stack-trait checks run everywhere; the rest needs ONNX Runtime's CUDA provider on a GPU and skips
 * with a printed reason elsewhere.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Availability, STACKS } from '@tamkit/bench';
import { convertToFloat16, insertFp32Islands, readModel, writeModel, writeZoo } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BisectReport, defaultBisectMode } from '../src/bisect/run-bisect.js';
import { main } from '../src/cli/index.js';
import type { FidelityReport } from '../src/fidelity/compare-stacks.js';
import { captureIo, tempDir } from './helpers.js';

describe('precision modes follow the stacks, not their names', () => {
  it('emulates FP16 where the stack widens it (ort-cpu), runs it natively on GPU stacks, builds engines for TensorRT', () => {
    expect(defaultBisectMode('ort-cpu')).toBe('emulate');
    expect(defaultBisectMode('ort-cuda')).toBe('native');
    expect(defaultBisectMode('ort-webgpu')).toBe('native');
    expect(defaultBisectMode('trt-fp16')).toBe('engine');
  });
});

describe('track-eval on ort-cuda (GPU)', () => {
  let cuda: Availability;
  let zoo: string;
  let islands: string;
  beforeAll(async () => {
    cuda = await STACKS['ort-cuda'].probe();
    if (!cuda.available) return;
    const dir = await tempDir('tamkit-cuda-precision-');
    zoo = join(dir, 'zoo');
    islands = join(dir, 'fp16-islands');
    await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 3 });
    await mkdir(islands);
    for (const m of ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder']) {
      const fp16 = convertToFloat16(await readModel(join(zoo, `${m}.onnx`)), {
        keepIoTypes: true,
        blockOps: ['Resize'],
      }).model;
      const patterns = m === 'memory_encoder' ? ['layernorm'] : ['attention', 'layernorm'];
      await writeModel(insertFp32Islands(fp16, { patterns }).model, join(islands, `${m}.onnx`));
    }
  });
  const requireCuda = (ctx: { skip: () => void }) => {
    if (!cuda.available) {
      console.warn(`skipped: ort-cuda is unavailable here (${cuda.reason})`);
      ctx.skip();
    }
  };
  const fidelity = async (...extra: string[]) => {
    const io = captureIo();
    const code = await main(
      ['fidelity', '--stack', 'ort-cuda', '--reference', 'ort-cpu', '--frames', '4', '--runs', '1', '--json', ...extra],
      io,
    );
    expect(code, io.stderr.join('\n')).toBe(0);
    return JSON.parse(io.stdout.join('')) as FidelityReport;
  };

  it('fidelity: FP32 ort-cuda against ort-cpu, per module and along a short sequence', async (ctx) => {
    requireCuda(ctx);
    const report = await fidelity('--models', zoo);
    expect(report.modules.length).toBe(4);
    for (const m of report.modules)
      for (const o of m.outputs) expect(o.relativeL2Error, `${m.module} ${o.output}`).toBeLessThan(1e-2);
    expect(report.sequence!.meanMaskIou).toBeGreaterThan(0.9);
  });

  it('fidelity: FP16 with attention and layer-norm islands on ort-cuda against FP32 on ort-cpu', async (ctx) => {
    requireCuda(ctx);
    const report = await fidelity('--models', islands, '--reference-models', zoo);
    for (const m of report.modules) {
      for (const o of m.outputs) {
        expect(o.nonFiniteShare, `${m.module} ${o.output}`).toBe(0);
        expect(o.relativeL2Error, `${m.module} ${o.output}`).toBeLessThan(5e-2);
      }
    }
  });

  it('bisect --stack ort-cuda runs native FP16 candidates and writes a plan', async (ctx) => {
    requireCuda(ctx);
    const io = captureIo();
    const plan = join(zoo, '..', 'mask_decoder.plan.json');
    const code = await main(
      [
        'bisect',
        '--models',
        zoo,
        '--stack',
        'ort-cuda',
        '--module',
        'mask_decoder',
        '--reference-stack',
        'ort-cpu',
        '--runs',
        '1',
        '--plan-out',
        plan,
        '--json',
      ],
      io,
    );
    expect(code, io.stderr.join('\n')).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as BisectReport;
    expect([report.stack, report.mode, report.referenceStack]).toEqual(['ort-cuda', 'native', 'ort-cpu']);
    expect(report.modules[0]!.planFile).toBe(plan);
  });
});
