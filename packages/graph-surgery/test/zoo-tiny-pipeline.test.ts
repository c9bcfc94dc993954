import { SeededRandom } from '@tamkit/common';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../src/index.js';
import { type EfficientTamModule, efficientTamTiBuilders } from '../src/zoo/efficienttam/index.js';
import {
  MEMORY_ATTENTION_CONFIGS,
  memoryTokenCount,
  tokensPerObjectPointer,
} from '../src/zoo/efficienttam/memory-attention.js';

async function session(module: EfficientTamModule): Promise<ort.InferenceSession> {
  const build = efficientTamTiBuilders[module];
  if (!build) throw new Error(`${module} is not registered`);
  return ort.InferenceSession.create(encodeModel(build({ size: 'tiny', seed: 5, outliers: false }).model));
}

/** [1, C, H, W] -> [H*W, 1, C]: `x.flatten(2).permute(2, 0, 1)`, as SAM 2 feeds memory attention. */
function toTokens(t: ort.Tensor): ort.Tensor {
  const [, c = 0, h = 0, w = 0] = t.dims as number[];
  const src = t.data as Float32Array;
  const n = h * w;
  const out = new Float32Array(n * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) out[i * c + ch] = src[ch * n + i]!;
  return new ort.Tensor('float32', out, [n, 1, c]);
}

/** [H*W, 1, C] -> [1, C, H, W]. */
function toMap(t: ort.Tensor, h: number, w: number): ort.Tensor {
  const [n = 0, , c = 0] = t.dims as number[];
  const src = t.data as Float32Array;
  const out = new Float32Array(n * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) out[ch * n + i] = src[i * c + ch]!;
  return new ort.Tensor('float32', out, [1, c, h, w]);
}

/** Nearest upsampling of the best 128x128 mask to 512x512, then sigmoid * 20 - 10 (the memory encoder's input). */
function maskForMemory(masks: ort.Tensor, best: number): ort.Tensor {
  const [, , h = 0, w = 0] = masks.dims as number[];
  const src = (masks.data as Float32Array).subarray(best * h * w, (best + 1) * h * w);
  const out = new Float32Array(512 * 512);
  for (let y = 0; y < 512; y++) {
    for (let x = 0; x < 512; x++) {
      const logit = src[Math.floor((y * h) / 512) * w + Math.floor((x * w) / 512)]!;
      out[y * 512 + x] = 20 / (1 + Math.exp(-logit)) - 10;
    }
  }
  return new ort.Tensor('float32', out, [1, 1, 512, 512]);
}

describe('tiny EfficientTAM-Ti modules', () => {
  it('chain through one tracking step: encode, decode a box, store memory, attend to it and decode again', async () => {
    const [encoder, decoder, memEncoder, memAttention] = await Promise.all(
      (['image_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention'] as const).map(session),
    );
    try {
      const image = new ort.Tensor(
        'float32',
        new SeededRandom(1).fill(3 * 512 * 512, (r) => r.normal()),
        [1, 3, 512, 512],
      );
      const { vision_features: features, vision_pos_enc: pos } = await encoder!.run({ image });
      const box = {
        point_coords: new ort.Tensor('float32', Float32Array.from([100, 120, 300, 340]), [1, 2, 2]),
        point_labels: new ort.Tensor('int32', Int32Array.from([2, 3]), [1, 2]),
      };
      const first = await decoder!.run({ image_embed: features!, ...box });
      const ious = Array.from(first.iou_predictions!.data as Float32Array);
      const stored = await memEncoder!.run({
        pix_feat: features!,
        mask_for_mem: maskForMemory(first.low_res_masks!, ious.indexOf(Math.max(...ious))),
      });

      // Memory bank: one frame's tokens, then the object pointer split into memDim-wide tokens with zero pos-enc.
      const config = MEMORY_ATTENTION_CONFIGS.tiny;
      const frameTokens = toTokens(stored.maskmem_features!);
      const framePos = toTokens(stored.maskmem_pos_enc!);
      const pointerTokens = tokensPerObjectPointer(config);
      const total = memoryTokenCount(config, 1, 1);
      const memory = new Float32Array(total * config.memDim);
      memory.set(frameTokens.data as Float32Array);
      memory.set(first.obj_ptr!.data as Float32Array, frameTokens.size);
      const memoryPos = new Float32Array(total * config.memDim);
      memoryPos.set(framePos.data as Float32Array);

      const attended = await memAttention!.run({
        curr: toTokens(features!),
        curr_pos: toTokens(pos!),
        memory: new ort.Tensor('float32', memory, [total, 1, config.memDim]),
        memory_pos: new ort.Tensor('float32', memoryPos, [total, 1, config.memDim]),
        num_obj_ptr_tokens: new ort.Tensor('int64', BigInt64Array.from([BigInt(pointerTokens)]), []),
      });
      const conditioned = toMap(attended.pix_feat_with_mem!, config.grid[1], config.grid[0]);
      const noPrompt = {
        point_coords: new ort.Tensor('float32', new Float32Array(2), [1, 1, 2]),
        point_labels: new ort.Tensor('int32', Int32Array.from([-1]), [1, 1]),
      };
      const next = await decoder!.run({ image_embed: conditioned, ...noPrompt });
      expect(next.low_res_masks!.dims).toEqual([1, 3, 128, 128]);
      expect((next.low_res_masks!.data as Float32Array).every(Number.isFinite)).toBe(true);
      expect((next.obj_ptr!.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await Promise.all([encoder, decoder, memEncoder, memAttention].map((s) => s?.release()));
    }
  });
});
