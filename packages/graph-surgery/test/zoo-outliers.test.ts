import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildImageEncoder, emulateFloat16, type PlantedOutlier, residualOutlierChannels } from '../src/index.js';
import { exposeTensors, floatStats, patternTensor, relativeError, runModel } from './helpers/run-model.js';

const image = () => ({ image: patternTensor([1, 3, 512, 512]) });

/** Builds the planted encoder once and runs it in FP32 with the planted tensors exposed as outputs. */
function plantedRun(size: 'tiny' | 'full') {
  const planted = buildImageEncoder({ size, seed: 3, outliers: true });
  const byKind = Object.fromEntries(planted.plantedOutliers.map((p) => [p.kind, p.tensor])) as Record<
    PlantedOutlier['kind'],
    string
  >;
  let outputs: Promise<Record<string, ort.Tensor>> | undefined;
  const fp32 = () => {
    outputs ??= runModel(exposeTensors(planted.model, Object.values(byKind)), image());
    return outputs;
  };
  return { planted, byKind, fp32 };
}

describe.each(['tiny', 'full'] as const)('image_encoder --outliers (%s)', (size) => {
  const { planted, byKind, fp32 } = plantedRun(size);

  it('records planted culprits whose nodes exist and produce the recorded tensors', () => {
    expect(planted.plantedOutliers.map((p) => p.kind).sort()).toEqual([
      'attention-logits',
      'residual-channel',
      'sum-of-squares',
    ]);
    for (const p of planted.plantedOutliers) {
      const node = planted.model.graph!.node.find((n) => n.name === p.node);
      expect(node?.output).toContain(p.tensor);
    }
  });

  it('keeps FP32 finite while the planted tensors reach FP16-hostile magnitudes', async () => {
    const out = await fp32();
    for (const name of ['vision_features', 'vision_pos_enc']) expect(floatStats(out[name]!).finite).toBe(true);
    // Residual channels in the thousands, on the planted channels (first token shown; the bias reaches all).
    const residual = out[byKind['residual-channel']]!;
    const data = residual.data as Float32Array;
    for (const c of residualOutlierChannels(residual.dims[3]!)) expect(Math.abs(data[c]!)).toBeGreaterThan(1000);
    // Attention logits above ln(65504) ~ 11.09: exp() without max subtraction overflows FP16.
    expect(floatStats(out[byKind['attention-logits']]!).maxAbs).toBeGreaterThan(11.1);
    // Squares past FP16's largest finite value, still finite in FP32.
    const squares = floatStats(out[byKind['sum-of-squares']]!);
    expect(squares.finite).toBe(true);
    expect(squares.maxAbs).toBeGreaterThan(65504);
  });

  it('gives Inf/NaN or a large error under FP16 storage emulation', async () => {
    const [ref, half] = await Promise.all([fp32(), runModel(emulateFloat16(planted.model).model, image())]);
    // Inf/NaN (reported as Infinity) or an error of the order of the signal itself.
    expect(relativeError(half.vision_features!, ref.vision_features!)).toBeGreaterThan(0.5);
  });
});

describe('image_encoder without --outliers (tiny)', () => {
  it('plants nothing and stays accurate under FP16 storage emulation', async () => {
    const clean = buildImageEncoder({ size: 'tiny', seed: 3, outliers: false });
    expect(clean.plantedOutliers).toEqual([]);
    const [ref, half] = await Promise.all([
      runModel(clean.model, image()),
      runModel(emulateFloat16(clean.model).model, image()),
    ]);
    expect(relativeError(half.vision_features!, ref.vision_features!)).toBeLessThan(0.05);
  });
});
