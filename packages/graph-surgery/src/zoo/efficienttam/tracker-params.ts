/**
 * The learned tensors of EfficientTAM that live outside the four ONNX modules in a real export (the no-memory
 * embedding used on frame 0 and the temporal encodings of memory frames), written next to the zoo's modules
 * as `tracker-params.json` in the format bench's tracking loop reads (`tamkit-tracker-params` version 1,
 * row-major arrays). Seeded like the weights, with trained-network-like scale (std 0.02).
 */
import { deriveSeed, SeededRandom } from '@tamkit/common';
import { SHARED_DIMS } from './config.js';
import type { ZooSize } from './types.js';

const NUM_MASKMEM = 7;

export function trackerParamsJson(size: ZooSize, seed: number): string {
  const { dModel, memDim } = SHARED_DIMS[size];
  const tensor = (name: string, shape: number[]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const rng = new SeededRandom(deriveSeed(seed, `tracker.${name}`));
    return {
      shape,
      data: Array.from(
        rng.fill(count, (r) => r.truncNormal(0.02)),
        (v) => Math.fround(v),
      ),
    };
  };
  const params = {
    format: 'tamkit-tracker-params',
    version: 1,
    no_mem_embed: tensor('no_mem_embed', [1, 1, dModel]),
    maskmem_tpos_enc: tensor('maskmem_tpos_enc', [NUM_MASKMEM, 1, 1, memDim]),
    no_mem_pos_enc: tensor('no_mem_pos_enc', [1, 1, memDim]),
    num_maskmem: NUM_MASKMEM,
    max_obj_ptrs_in_encoder: 16,
    sigmoid_scale_for_mem_enc: 20,
    sigmoid_bias_for_mem_enc: -10,
  };
  return `${JSON.stringify(params)}\n`;
}
