import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildZoo, emulateFloat16, encodeModel, writeZoo } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFidelityText } from '../src/cli/fidelity-command.js';
import { main } from '../src/cli/index.js';
import { compareStacks, type FidelityReport } from '../src/fidelity/compare-stacks.js';
import { generateSyntheticDataset } from '../src/synth/generate.js';
import { captureIo, tempDir } from './helpers.js';

/** Writes FP16-emulated copies of the zoo's modules (FP32 I/O, every tensor rounded through FP16). */
async function writeEmulatedZoo(dir: string, outliers: boolean): Promise<void> {
  const { modules } = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 0, outliers });
  await mkdir(dir, { recursive: true });
  for (const [name, model] of Object.entries(modules)) {
    await writeFile(join(dir, `${name}.onnx`), encodeModel(emulateFloat16(model!, { fusedAttention: true }).model));
  }
}

describe('compareStacks on the tiny zoo (ort-cpu)', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir('tamkit-fidelity-');
    await writeZoo(join(root, 'fp32'), { model: 'efficienttam-ti', size: 'tiny', seed: 0, outliers: true });
    await writeEmulatedZoo(join(root, 'fp16-emulated'), true);
  });

  it('reports exact agreement per output and along the sequence when A and B run the same files', async () => {
    const report = await compareStacks({
      models: join(root, 'fp32'),
      stack: 'ort-cpu',
      reference: 'ort-cpu',
      sequence: { frames: 3 },
      timedRuns: 0,
    });
    expect(report.modules.map((m) => m.module)).toEqual([
      'image_encoder',
      'memory_attention',
      'mask_decoder',
      'memory_encoder',
    ]);
    for (const m of report.modules) {
      for (const o of m.outputs) {
        expect(o).toMatchObject({ maxAbsError: 0, relativeL2Error: 0, nonFiniteShare: 0 });
        expect(o.cosineSimilarity).toBeCloseTo(1, 6);
      }
    }
    const masks = report.modules.find((m) => m.module === 'mask_decoder')!.outputs.find((o) => o.maskIou !== undefined);
    expect(masks?.maskIou).toBe(1);
    expect(report.sequence).toMatchObject({ frames: 3, meanMaskIou: 1, meanBoxIou: 1 });
  });

  it('shows the FP16 breakage of the outlier image encoder per module and along the sequence', async () => {
    const report = await compareStacks({
      models: join(root, 'fp16-emulated'),
      referenceModels: join(root, 'fp32'),
      stack: 'ort-cpu',
      reference: 'ort-cpu',
      sequence: { frames: 2 },
      timedRuns: 0,
    });
    const worst = (module: string) =>
      Math.max(
        ...report.modules
          .find((m) => m.module === module)!
          .outputs.map((o) => (o.nonFiniteShare > 0 ? Infinity : o.relativeL2Error)),
      );
    expect(worst('image_encoder')).toBeGreaterThan(0.01);
    for (const m of ['memory_attention', 'mask_decoder', 'memory_encoder']) expect(worst(m)).toBeLessThan(0.01);
    // Inf features upstream leave A without a mask: the tracks disagree from the first frame on.
    expect(report.sequence?.frames).toBe(2);
    expect(report.sequence?.meanMaskIou).toBeLessThan(0.5);
    // The emulated files say what they cannot show, per module (JSON) and once in the notes (text and JSON).
    for (const m of report.modules) {
      expect(m.emulation).toMatchObject({ format: 'fp16', fusedAttention: true });
      expect(m.emulation?.cannotSee).toMatch(/cannot see FP16 accumulation error over long reductions/);
    }
    const note = report.notes.find((n) => n.startsWith('emulated FP16 files'))!;
    expect(note).toMatch(/\(image_encoder, memory_attention, mask_decoder, memory_encoder\)/);
    expect(note).toMatch(/sums in FP32: it cannot see FP16 accumulation error/);
    expect(formatFidelityText(report)).toContain(`note: ${note}`);
  });

  it('says what an accumulation-modelling emulation still leaves out', async () => {
    const dir = join(root, 'fp16-accumulated');
    await mkdir(dir, { recursive: true });
    const { modules } = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 0, modules: ['memory_encoder'] });
    await writeFile(
      join(dir, 'memory_encoder.onnx'),
      encodeModel(emulateFloat16(modules.memory_encoder!, { accumulation: { chunk: 64 } }).model),
    );
    const report = await compareStacks({
      models: dir,
      referenceModels: join(root, 'fp32'),
      stack: 'ort-cpu',
      reference: 'ort-cpu',
      sequence: false,
      timedRuns: 0,
    });
    expect(report.modules[0]?.emulation).toMatchObject({ accumulationChunk: 64 });
    expect(report.notes.join('\n')).toMatch(
      /emulated FP16 files \(memory_encoder\): FP16 emulation with accumulation modelled in \d+ MatMuls \(chunks of 64\); other reductions/,
    );
  });

  it('adds no emulation note for files that are not emulated', async () => {
    const report = await compareStacks({
      models: join(root, 'fp32'),
      stack: 'ort-cpu',
      reference: 'ort-cpu',
      modules: ['memory_encoder'],
      sequence: false,
      timedRuns: 0,
    });
    expect(report.modules[0]?.emulation).toBeUndefined();
    expect(report.notes.some((n) => n.includes('emulat'))).toBe(false);
  });
});

describe('track-eval fidelity', () => {
  it('prints a versioned JSON report, tracking a LaSOT-format sequence folder', async () => {
    const root = await tempDir('tamkit-fidelity-cli-');
    await writeZoo(join(root, 'zoo'), { model: 'efficienttam-ti', size: 'tiny', seed: 2 });
    await generateSyntheticDataset({ outDir: join(root, 'synth'), sequences: 1, frames: 3, seed: 3, className: 'cup' });
    const io = captureIo();
    const out = join(root, 'fidelity.json');
    const code = await main(
      [
        'fidelity',
        '--models',
        join(root, 'zoo'),
        '--stack',
        'ort-cpu',
        '--reference',
        'ort-cpu',
        '--module',
        'mask_decoder',
        '--sequence',
        join(root, 'synth', 'cup', 'cup-1'),
        '--frames',
        '3',
        '--runs',
        '0',
        '--json',
        '--out',
        out,
      ],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as FidelityReport;
    expect(report).toMatchObject({ kind: 'tamkit-fidelity', schemaVersion: 1, stack: 'ort-cpu', reference: 'ort-cpu' });
    expect(report.modules.map((m) => m.module)).toEqual(['mask_decoder']);
    expect(report.sequence).toMatchObject({ frames: 3, meanMaskIou: 1 });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(report);
  });

  it('BAD CALL - a models folder without modules fails with a remedy', async () => {
    const io = captureIo();
    const empty = await tempDir('tamkit-fidelity-empty-');
    const code = await main(['fidelity', '--models', empty, '--stack', 'ort-cpu', '--reference', 'ort-cpu'], io);
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/no \.onnx/);
  });
});
