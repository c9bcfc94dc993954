import { describe, expect, it } from 'vitest';
import {
  buildImageEncoder,
  encodeModel,
  getString,
  IMAGE_ENCODER_CONFIG,
  inspectModel,
  type ModelProto,
  readFloatValues,
  SHARED_DIMS,
  type TensorProto,
} from '../src/index.js';
import { floatStats, patternTensor, runModel, sameBytes } from './helpers/run-model.js';

function initializerOf(model: ModelProto, name: string): TensorProto {
  const t = model.graph?.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer ${name}`);
  return t;
}

/** Parameters of the real EfficientTAM-Ti 512 image encoder export (reference table). */
const REAL_PARAMETERS = 6.16e6;

describe('image_encoder (tiny)', () => {
  const built = buildImageEncoder({ size: 'tiny', seed: 1, outliers: false });
  const bytes = encodeModel(built.model);

  it('is well under 1 MB', () => {
    expect(bytes.byteLength).toBeLessThan(1_000_000);
  });

  it('runs on 512x512 images and outputs finite features and pos-enc of 32x32', async () => {
    const d = SHARED_DIMS.tiny;
    const out = await runModel(bytes, { image: patternTensor([1, 3, 512, 512]) });
    for (const name of ['vision_features', 'vision_pos_enc']) {
      expect(out[name]!.dims).toEqual([1, d.dModel, 32, 32]);
      expect(floatStats(out[name]!).finite).toBe(true);
    }
  });

  it('computes the sine position encoding of SAM 2 (normalised, 2*pi scale, temperature 10000)', async () => {
    const out = await runModel(bytes, { image: patternTensor([1, 3, 512, 512]) });
    const pos = out.vision_pos_enc!.data as Float32Array;
    const channels = SHARED_DIMS.tiny.dModel;
    const feats = channels / 2;
    const expected = (c: number, y: number, x: number) => {
      // Channels [0, feats) encode y, [feats, 2*feats) encode x; within each, even = sin, odd = cos.
      const isY = c < feats;
      const k = isY ? c : c - feats;
      const coord = (((isY ? y : x) + 1) / (32 + 1e-6)) * 2 * Math.PI;
      const dimT = 10000 ** ((2 * Math.floor(k / 2)) / feats);
      return k % 2 === 0 ? Math.sin(coord / dimT) : Math.cos(coord / dimT);
    };
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 5, 7],
      [feats + 2, 31, 3],
      [channels - 1, 17, 30],
    ] as const)
      expect(pos[(c * 32 + y) * 32 + x]).toBeCloseTo(expected(c, y, x), 5);
  });

  it('gives byte-identical files for one seed and different weights for another', () => {
    expect(sameBytes(encodeModel(buildImageEncoder({ size: 'tiny', seed: 1, outliers: false }).model), bytes)).toBe(
      true,
    );
    const other = buildImageEncoder({ size: 'tiny', seed: 2, outliers: false }).model;
    const name = 'image_encoder.trunk.blocks.0.attn.qkv.weight';
    const weight = (m: typeof other) => readFloatValues(initializerOf(m, name));
    expect(sameBytes(weight(other), weight(built.model))).toBe(false);
  });
});

describe('image_encoder (full)', () => {
  const built = buildImageEncoder({ size: 'full', seed: 0, outliers: false });
  const summary = inspectModel(built.model);
  const cfg = IMAGE_ENCODER_CONFIG.full;

  it('has the parameter count of the real export within 3%', () => {
    expect(Math.abs(summary.parameters.count / REAL_PARAMETERS - 1)).toBeLessThan(0.03);
  });

  it('is structured as the PyTorch export: one attention per block, LayerNormalization x2 per block, bicubic pos-embed', () => {
    const h = summary.opHistogram;
    expect(h.Softmax).toBe(cfg.depth);
    expect(h.LayerNormalization).toBe(2 * cfg.depth);
    // Windowed blocks pad the 32x32 grid to 42x42 and crop back.
    expect(h.Pad).toBe(cfg.depth - cfg.globalBlocks.length);
    // Two decomposed LayerNorm2d in the neck (ReduceMean twice each).
    expect(h.ReduceMean).toBe(4);
    expect(h.Erf).toBe(cfg.depth);
    // Shape arithmetic and Constants dominate, as in real exports.
    expect(h.Constant! / summary.nodes).toBeGreaterThan(0.3);
    const resize = built.model.graph!.node.filter((n) => n.opType === 'Resize');
    expect(resize.map((n) => getString(n, 'mode'))).toEqual(['cubic']);
    const names = built.model.graph!.node.map((n) => n.name);
    expect(names).toContain('/image_encoder/trunk/blocks.2/attn/Softmax');
    expect(names).toContain('/image_encoder/neck/convs.0/norm_0/Pow');
  });

  it('has the op histogram of the real export for compute and layout ops, and a similar share of Constants', () => {
    // Counts from the reference's real export of EfficientTAM-Ti 512 (shared/reference/efficienttam-ti.md).
    const exact = {
      MatMul: 72,
      Softmax: 12,
      LayerNormalization: 24,
      Erf: 12,
      Split: 12,
      Squeeze: 36,
      Mod: 32,
      Pad: 8,
      Conv: 3,
      Resize: 1,
      Sqrt: 38,
      Transpose: 64,
      Reshape: 136,
      Add: 109,
      Slice: 44,
      ReduceMean: 4,
      Pow: 2,
      Sin: 2,
      Cos: 2,
      Range: 2,
      Tile: 2,
    };
    const h = summary.opHistogram;
    const off = Object.entries(exact).filter(([op, n]) => Math.abs((h[op] ?? 0) - n) > (op === 'Slice' ? 1 : 0));
    expect(off).toEqual([]);
    expect(Math.abs(summary.nodes / 2716 - 1)).toBeLessThan(0.1);
    expect(Math.abs(h.Constant! / 1103 - 1)).toBeLessThan(0.1);
  });

  it('runs on a [1,3,512,512] image and outputs finite [1,256,32,32] features and pos-enc', async () => {
    const out = await runModel(built.model, { image: patternTensor([1, 3, 512, 512]) });
    for (const name of ['vision_features', 'vision_pos_enc']) {
      expect(out[name]!.dims).toEqual([1, 256, 32, 32]);
      expect(floatStats(out[name]!).finite).toBe(true);
    }
    // Normalised features (last op is LayerNorm2d): trained-like scale, not blown up or collapsed.
    const stats = floatStats(out.vision_features!);
    expect(stats.maxAbs).toBeGreaterThan(0.5);
    expect(stats.maxAbs).toBeLessThan(50);
  });
});
