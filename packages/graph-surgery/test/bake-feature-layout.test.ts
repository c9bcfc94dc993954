import { describe, expect, it } from 'vitest';
import { bakeFeatureLayout } from '../src/index.js';
import { type Feed, runModel, seededValues } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

// Tiny zoo memory_attention: curr / curr_pos [1024, 1, 32] (a 32x32 map, 32 channels), memory [N, 1, 16].
const C = 32;
const HW = 1024;

/** [1, C, HW] channel-major -> [HW, 1, C] token-major. */
function toTokens(chw: Float32Array): Float32Array {
  const out = new Float32Array(chw.length);
  for (let c = 0; c < C; c += 1) for (let t = 0; t < HW; t += 1) out[t * C + c] = chw[c * HW + t]!;
  return out;
}

describe('bakeFeatureLayout (memory_attention takes and gives [1, C, H, W])', () => {
  it('gives bit-identical outputs to the exported graph fed the same values in token layout', async () => {
    const model = zooModule('tiny', 'memory_attention');
    const { model: baked, report } = bakeFeatureLayout(model, { height: 32, width: 32 });
    expect(report).toEqual({ inputs: ['curr', 'curr_pos'], outputs: ['pix_feat_with_mem'] });
    const curr = seededValues(C * HW, 1);
    const pos = seededValues(C * HW, 2);
    const tokens = 2 * HW + 8;
    const memory: Feed = { type: 'float32', dims: [tokens, 1, 16], data: seededValues(tokens * 16, 3) };
    const memoryPos: Feed = { type: 'float32', dims: [tokens, 1, 16], data: seededValues(tokens * 16, 4) };
    const ptr: Feed = { type: 'int64', dims: [], data: [8] };
    const original = await runModel(model, {
      curr: { type: 'float32', dims: [HW, 1, C], data: toTokens(curr) },
      curr_pos: { type: 'float32', dims: [HW, 1, C], data: toTokens(pos) },
      memory,
      memory_pos: memoryPos,
      num_obj_ptr_tokens: ptr,
    });
    const out = await runModel(baked, {
      curr: { type: 'float32', dims: [1, C, 32, 32], data: curr },
      curr_pos: { type: 'float32', dims: [1, C, 32, 32], data: pos },
      memory,
      memory_pos: memoryPos,
      num_obj_ptr_tokens: ptr,
    });
    const got = out.pix_feat_with_mem!;
    expect(got.dims).toEqual([1, C, 32, 32]);
    expect(toTokens(got.data)).toEqual(original.pix_feat_with_mem!.data);
  });

  it('BAD CALL - refuses a map size that does not match the current-frame tokens, and a second bake', () => {
    const model = zooModule('tiny', 'memory_attention');
    expect(() => bakeFeatureLayout(model, { height: 16, width: 16 })).toThrow(/\[256, 1, C\]/);
    const { model: baked } = bakeFeatureLayout(model, { height: 32, width: 32 });
    expect(() => bakeFeatureLayout(baked, { height: 32, width: 32 })).toThrow(/already applied/);
  });
});
