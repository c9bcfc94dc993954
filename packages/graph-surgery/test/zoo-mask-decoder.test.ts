import { SeededRandom } from '@tamkit/common';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, makeTensor, readFloatValues } from '../src/index.js';
import { DataType, type ModelProto } from '../src/onnx/types.js';
import {
  buildMaskDecoder,
  MASK_DECODER_CONFIGS,
  type MaskDecoderConfig,
  NO_OBJECT_SCORE,
} from '../src/zoo/efficienttam/mask-decoder.js';

interface Prompt {
  coords: number[];
  labels: number[];
}

const BOX: Prompt = { coords: [100, 120, 300, 340], labels: [2, 3] };
const NO_PROMPT: Prompt = { coords: [0, 0], labels: [-1] };

type Outputs = Record<'low_res_masks' | 'iou_predictions' | 'obj_ptr' | 'object_score_logits', ort.Tensor>;

async function runDecoder(session: ort.InferenceSession, config: MaskDecoderConfig, prompt: Prompt): Promise<Outputs> {
  const n = prompt.labels.length;
  const dims = [1, config.dim, config.grid[0], config.grid[1]];
  const embed = new SeededRandom(11).fill(
    dims.reduce((a, b) => a * b, 1),
    (r) => r.normal(),
  );
  return (await session.run({
    image_embed: new ort.Tensor('float32', embed, dims),
    point_coords: new ort.Tensor('float32', Float32Array.from(prompt.coords), [1, n, 2]),
    point_labels: new ort.Tensor('int32', Int32Array.from(prompt.labels), [1, n]),
  })) as Outputs;
}

async function withSession<T>(model: ModelProto, body: (s: ort.InferenceSession) => Promise<T>): Promise<T> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    return await body(session);
  } finally {
    await session.release();
  }
}

function values(t: ort.Tensor): Float32Array {
  return t.data as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function initializer(model: ModelProto, name: string) {
  const t = model.graph?.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer ${name}`);
  return t;
}

describe.each([{ size: 'tiny' as const }, { size: 'full' as const }])('mask_decoder ($size)', ({ size }) => {
  const config = MASK_DECODER_CONFIGS[size];
  const { model } = buildMaskDecoder({ size, seed: 1, outliers: false });

  it('declares image_embed, point_coords and int32 point_labels with a symbolic point axis', () => {
    const graph = model.graph!;
    expect(graph.input.map((v) => v.name)).toEqual(['image_embed', 'point_coords', 'point_labels']);
    const labels = graph.input[2]?.type?.tensorType;
    expect(labels?.elemType).toBe(DataType.INT32);
    expect(labels?.shape?.dim.map((d) => d.dimParam ?? d.dimValue)).toEqual([1, 'num_points']);
    expect(graph.output.map((v) => v.name)).toEqual([
      'low_res_masks',
      'iou_predictions',
      'obj_ptr',
      'object_score_logits',
    ]);
  });

  it('answers a box prompt and a no-prompt call with finite outputs of the documented shapes', async () => {
    await withSession(model, async (session) => {
      for (const prompt of [BOX, NO_PROMPT]) {
        const out = await runDecoder(session, config, prompt);
        expect(out.low_res_masks.dims).toEqual([1, 3, 4 * config.grid[0], 4 * config.grid[1]]);
        expect(out.iou_predictions.dims).toEqual([1, 3]);
        expect(out.obj_ptr.dims).toEqual([1, config.dim]);
        expect(out.object_score_logits.dims).toEqual([1, 1]);
        for (const t of Object.values(out)) expect(values(t).every(Number.isFinite)).toBe(true);
        // IoU predictions go through a sigmoid.
        expect(values(out.iou_predictions).every((v) => v > 0 && v < 1)).toBe(true);
      }
    });
  });
});

describe('mask_decoder prompts', () => {
  const config = MASK_DECODER_CONFIGS.tiny;
  const { model } = buildMaskDecoder({ size: 'tiny', seed: 2, outliers: false });

  it('ignores the coordinates of a pad point (label -1) but not those of a real click', async () => {
    await withSession(model, async (session) => {
      const padA = await runDecoder(session, config, NO_PROMPT);
      const padB = await runDecoder(session, config, { coords: [300, 200], labels: [-1] });
      expect(maxAbsDiff(values(padA.low_res_masks), values(padB.low_res_masks))).toBe(0);
      const clickA = await runDecoder(session, config, { coords: [0, 0], labels: [1] });
      const clickB = await runDecoder(session, config, { coords: [300, 200], labels: [1] });
      expect(maxAbsDiff(values(clickA.low_res_masks), values(clickB.low_res_masks))).toBeGreaterThan(1e-4);
    });
  });

  it('embeds box corners (labels 2, 3) differently from clicks (labels 1, 0) at the same places', async () => {
    await withSession(model, async (session) => {
      const box = await runDecoder(session, config, BOX);
      const clicks = await runDecoder(session, config, { coords: BOX.coords, labels: [1, 0] });
      expect(maxAbsDiff(values(box.low_res_masks), values(clicks.low_res_masks))).toBeGreaterThan(1e-4);
    });
  });

  it('writes -1024 masks and the learned no-object pointer when the object-score logit is not positive', async () => {
    const absent = buildMaskDecoder({ size: 'tiny', seed: 2, outliers: false }).model;
    // Edit the object-score head's last bias so that the logit is certainly negative.
    const biasName = 'sam_mask_decoder.pred_obj_score_head.layers.2.bias';
    const graph = absent.graph!;
    const index = graph.initializer.findIndex((t) => t.name === biasName);
    graph.initializer[index] = makeTensor(biasName, DataType.FLOAT, [1], [-1000]);
    await withSession(absent, async (session) => {
      const out = await runDecoder(session, config, BOX);
      expect(values(out.object_score_logits)[0]).toBeLessThan(0);
      expect(values(out.low_res_masks).every((v) => v === NO_OBJECT_SCORE)).toBe(true);
      const noObjPtr = readFloatValues(initializer(absent, 'no_obj_ptr'));
      expect(maxAbsDiff(values(out.obj_ptr), noObjPtr)).toBe(0);
    });
    await withSession(model, async (session) => {
      const out = await runDecoder(session, config, BOX);
      expect(values(out.object_score_logits)[0]).toBeGreaterThan(0);
      expect(values(out.low_res_masks).some((v) => v !== NO_OBJECT_SCORE)).toBe(true);
    });
  });
});

describe('mask_decoder at full size', () => {
  const { model } = buildMaskDecoder({ size: 'full', seed: 1, outliers: false });

  it('has within 3% of the real export parameters (4.39M with prompt encoder and obj_ptr projection)', () => {
    let total = 0;
    for (const t of model.graph!.initializer) total += t.dims.reduce((a: number, d) => a * Number(d), 1);
    expect(Math.abs(total / 4.39e6 - 1)).toBeLessThan(0.03);
  });

  it('has the structure of the real export: 7 Softmax, 9 LayerNormalization, 21 Gemm, 2 ConvTranspose, torch names', () => {
    const count = (op: string) => model.graph!.node.filter((n) => n.opType === op).length;
    expect([count('Softmax'), count('LayerNormalization'), count('Gemm'), count('ConvTranspose')]).toEqual([
      7, 9, 21, 2,
    ]);
    const names = new Set(model.graph!.node.map((n) => n.name));
    expect(names.has('/sam_mask_decoder/transformer/layers.0/cross_attn_token_to_image/MatMul_1')).toBe(true);
  });

  it('is byte-identical for the same seed and has different weights for another seed', () => {
    const same = encodeModel(buildMaskDecoder({ size: 'full', seed: 1, outliers: false }).model);
    expect(Buffer.from(same).equals(Buffer.from(encodeModel(model)))).toBe(true);
    const other = buildMaskDecoder({ size: 'full', seed: 2, outliers: false }).model;
    const name = 'sam_mask_decoder.transformer.layers.0.self_attn.q_proj.weight';
    expect(readFloatValues(initializer(other, name))).not.toEqual(readFloatValues(initializer(model, name)));
  });
});

describe('mask_decoder at tiny size', () => {
  it('is well under 1 MB', () => {
    expect(encodeModel(buildMaskDecoder({ size: 'tiny', seed: 1, outliers: false }).model).length).toBeLessThan(
      1_000_000,
    );
  });
});
