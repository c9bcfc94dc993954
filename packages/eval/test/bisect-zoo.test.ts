import { join } from 'node:path';
import { loadPlan } from '@tamkit/engine-builder';
import { main as engineBuilder } from '@tamkit/engine-builder/cli';
import { emulateFloat16, readModel, writeZoo, type ZooManifest } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BisectReport, bisectModels } from '../src/bisect/run-bisect.js';
import { evaluationBudget } from '../src/bisect/search.js';
import { main } from '../src/cli/index.js';
import { compareOutputs, meetsTolerance } from '../src/fidelity/compare-outputs.js';
import { buildModuleInputs } from '../src/fidelity/module-inputs.js';
import { runModuleOnStack } from '../src/fidelity/run-module.js';
import { captureIo, tempDir } from './helpers.js';

// The tiny zoo with planted outliers: residual channels in the thousands (block 1), an attention sink with logits
// near 40 (block 2), and a neck LayerNorm2d whose squares pass 65504. On ort-cpu FP16 is emulated.
describe('bisect on the tiny zoo with --outliers (ort-cpu, FP16 emulation)', () => {
  let dir: string;
  let manifest: ZooManifest;
  let report: BisectReport;
  let planPath: string;

  beforeAll(async () => {
    dir = await tempDir('tamkit-bisect-zoo-');
    manifest = await writeZoo(join(dir, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 0, outliers: true });
    planPath = join(dir, 'image_encoder.plan.json');
    report = await bisectModels({
      models: join(dir, 'zoo'),
      stack: 'ort-cpu',
      modules: ['image_encoder'],
      planOut: planPath,
      timedRuns: 1,
    });
  });

  const planted = (kind: string) =>
    manifest.modules.find((m) => m.name === 'image_encoder')!.plantedOutliers.filter((p) => p.kind === kind);

  it('finds that the image encoder breaks in FP16', () => {
    const [ie] = report.modules;
    expect(ie?.module).toBe('image_encoder');
    expect(ie?.fp16.meetsTolerance).toBe(false);
    expect(ie?.layers?.status).toBe('found');
  });

  it('pins the planted attention-logit and sum-of-squares nodes, and nothing without a planted culprit', () => {
    const layers = report.modules[0]!.layers!;
    for (const p of [...planted('attention-logits'), ...planted('sum-of-squares')])
      expect(layers.fp32Nodes).toContain(p.node);
    const plantedNodes = manifest.modules[0]!.plantedOutliers.map((p) => p.node);
    for (const c of layers.fp32) expect(c.nodes.some((n) => plantedNodes.includes(n))).toBe(true);
  });

  it('says plainly what emulated bisection cannot see (FP16 accumulation over long reductions)', () => {
    expect(report.notes.join('\n')).toMatch(
      /What this bisection cannot see: FP16 emulation rounds stored tensors only and sums in FP32: it cannot see FP16 accumulation error over long reductions/,
    );
  });

  it('stays within the k log n evaluation budget', () => {
    const layers = report.modules[0]!.layers!;
    const k = layers.fp32.length;
    expect(layers.evaluations).toBeLessThanOrEqual(evaluationBudget(k, layers.candidates));
    expect(layers.evaluations).toBeLessThanOrEqual(2 * k * Math.ceil(Math.log2(layers.candidates)) + 2);
  });

  it('writes a plan engine-builder loads, and that plan brings the module within tolerance', async () => {
    const plan = await loadPlan(planPath);
    expect(plan.defaultPrecision).toBe('fp16');
    const pinned = plan.pinFp32?.nodes ?? [];
    expect(pinned).toEqual(report.modules[0]!.layers!.fp32Nodes);
    // Re-check independently of the search: apply the plan's pins to the FP32 file and compare with FP32.
    const file = join(dir, 'zoo', 'image_encoder.onnx');
    const { feeds } = await buildModuleInputs({ image_encoder: file }, { stack: 'ort-cpu', seed: report.seed });
    const model = await readModel(file);
    const reference = await runModuleOnStack('ort-cpu', file, feeds.image_encoder!);
    const mixed = emulateFloat16(model, { except: pinned, fusedAttention: true }).model;
    const allFp16 = emulateFloat16(model, { fusedAttention: true }).model;
    const withPlan = await runModuleOnStack('ort-cpu', mixed, feeds.image_encoder!);
    const without = await runModuleOnStack('ort-cpu', allFp16, feeds.image_encoder!);
    expect(meetsTolerance(compareOutputs(withPlan.outputs, reference.outputs), report.tolerance).ok).toBe(true);
    expect(meetsTolerance(compareOutputs(without.outputs, reference.outputs), report.tolerance).ok).toBe(false);
  });

  it('is a plan `engine-builder build --plan` turns into TensorRT 10 layer precisions for every pinned node', async () => {
    const io = captureIo();
    const file = join(dir, 'zoo', 'image_encoder.onnx');
    const code = await engineBuilder(['build', file, '--plan', planPath, '--print-command', '--trt-version', '10'], io);
    expect(code).toBe(0);
    const command = io.stdout.join('\n');
    for (const node of report.modules[0]!.layers!.fp32Nodes) expect(command).toContain(`${node}:fp32`);
  });
});

describe('track-eval bisect', () => {
  let zoo: string;
  beforeAll(async () => {
    zoo = join(await tempDir('tamkit-bisect-cli-'), 'zoo');
    await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 1, outliers: false });
  });

  it('reports a module that meets the tolerance in FP16 and writes a plan without pins', async () => {
    const io = captureIo();
    const planDir = join(zoo, '..', 'plans');
    const code = await main(
      [
        'bisect',
        '--models',
        zoo,
        '--stack',
        'ort-cpu',
        '--module',
        'memory_encoder',
        '--plan-dir',
        planDir,
        '--runs',
        '1',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as BisectReport;
    expect(report.modules.map((m) => m.module)).toEqual(['memory_encoder']);
    expect(report.modules[0]!.fp16.meetsTolerance).toBe(true);
    expect(report.modules[0]!.layers).toBeUndefined();
    const plan = await loadPlan(join(planDir, 'memory_encoder.plan.json'));
    expect(plan).toMatchObject({ defaultPrecision: 'fp16' });
    expect(plan.pinFp32).toBeUndefined();
  });

  it('BAD CALL - --plan-out with several modules is a usage error', async () => {
    const io = captureIo();
    const code = await main(['bisect', '--models', zoo, '--stack', 'ort-cpu', '--plan-out', join(zoo, 'x.json')], io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--plan-dir/);
  });

  it('BAD CALL - an unknown module name lists the modules found', async () => {
    const io = captureIo();
    const code = await main(['bisect', '--models', zoo, '--stack', 'ort-cpu', '--module', 'decoder'], io);
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/image_encoder/);
  });

  it('BAD CALL - engine mode without trtexec stops with exit code 4 (unavailable) and a remedy', async () => {
    const io = captureIo();
    const code = await main(
      [
        'bisect',
        '--models',
        zoo,
        '--stack',
        'trt-fp16',
        '--module',
        'image_encoder',
        '--trtexec',
        join(zoo, 'no-trtexec'),
        '--runs',
        '1',
      ],
      io,
    );
    expect(code).toBe(4);
    expect(io.stderr.join('\n')).toMatch(/trtexec/);
  });
});
