import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildMemoryEncoder,
  encodeModel,
  inspectModel,
  type ModelProto,
  readFloatValues,
  SHARED_DIMS,
  type TensorProto,
} from '../src/index.js';
import { floatStats, patternTensor, runModel, sameBytes } from './helpers/run-model.js';

function initializerOf(built: { model: ModelProto }, name: string): TensorProto {
  const t = built.model.graph?.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer ${name}`);
  return t;
}

/** Parameters of the real EfficientTAM-Ti 512 memory encoder export (reference table). */
const REAL_PARAMETERS = 1.38e6;

/** A mask as the pipeline feeds it: sigmoid(logits) * 20 - 10, here a hard disc. */
function discMask(): ort.Tensor {
  const data = new Float32Array(512 * 512);
  for (let y = 0; y < 512; y++)
    for (let x = 0; x < 512; x++) data[y * 512 + x] = (x - 250) ** 2 + (y - 200) ** 2 < 90 ** 2 ? 10 : -10;
  return new ort.Tensor('float32', data, [1, 1, 512, 512]);
}

describe.each(['tiny', 'full'] as const)('memory_encoder (%s)', (size) => {
  const d = SHARED_DIMS[size];
  const built = buildMemoryEncoder({ size, seed: 5, outliers: false });

  it('runs on pix_feat and mask_for_mem and outputs finite memory features and pos-enc', async () => {
    const out = await runModel(built.model, {
      pix_feat: patternTensor([1, d.dModel, 32, 32]),
      mask_for_mem: discMask(),
    });
    for (const name of ['maskmem_features', 'maskmem_pos_enc']) {
      expect(out[name]!.dims).toEqual([1, d.memDim, 32, 32]);
      expect(floatStats(out[name]!).finite).toBe(true);
    }
  });

  it('gives byte-identical files for one seed and different weights for another', () => {
    const again = buildMemoryEncoder({ size, seed: 5, outliers: false });
    expect(sameBytes(encodeModel(again.model), encodeModel(built.model))).toBe(true);
    const other = buildMemoryEncoder({ size, seed: 6, outliers: false });
    const name = 'memory_encoder.fuser.layers.0.pwconv1.weight';
    const weight = (m: typeof built) => readFloatValues(initializerOf(m, name));
    expect(sameBytes(weight(other), weight(built))).toBe(false);
  });
});

describe('memory_encoder (full)', () => {
  const built = buildMemoryEncoder({ size: 'full', seed: 0, outliers: false });
  const summary = inspectModel(built.model);

  it('has the parameter count of the real export within 3%', () => {
    expect(Math.abs(summary.parameters.count / REAL_PARAMETERS - 1)).toBeLessThan(0.03);
  });

  it('is structured as the PyTorch export: 9 convs, 6 decomposed LayerNorm2d, Erf GELU, no Sigmoid', () => {
    const h = summary.opHistogram;
    expect(h.Conv).toBe(9);
    expect(h.ReduceMean).toBe(12);
    expect(h.Erf).toBe(6);
    expect(h.MatMul).toBe(4);
    expect(h.Sigmoid).toBeUndefined();
    expect(built.model.graph!.node.map((n) => n.name)).toContain('/memory_encoder/fuser/layers.0/act/Mul');
  });

  it('is well under 1 MB at tiny size', () => {
    expect(encodeModel(buildMemoryEncoder({ size: 'tiny', seed: 0, outliers: false }).model).byteLength).toBeLessThan(
      1_000_000,
    );
  });
});
