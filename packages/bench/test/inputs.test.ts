import { float16BitsToFloat32 } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { generateFeeds, resolveInputShapes, type TensorInfo } from '../src/index.js';

// Input signatures as two different exporters write them (names differ; shapes follow the model).
const MEMORY_ATTENTION: TensorInfo[] = [
  { name: 'curr', type: 'float32', shape: [1024, 1, 256] },
  { name: 'curr_pos', type: 'float32', shape: [1024, 1, 256] },
  { name: 'memory', type: 'float32', shape: ['num_mem_tokens', 1, 64] },
  { name: 'memory_pos', type: 'float32', shape: ['num_mem_tokens', 1, 64] },
  { name: 'num_obj_ptr_tokens', type: 'int64', shape: [] },
];
const MASK_DECODER: TensorInfo[] = [
  { name: 'image_embed', type: 'float32', shape: [1, 256, 32, 32] },
  { name: 'point_coords', type: 'float32', shape: [1, 'num_points', 2] },
  { name: 'point_labels', type: 'int32', shape: [1, 'num_points'] },
];
const MEMORY_ENCODER: TensorInfo[] = [
  { name: 'pix_feat', type: 'float32', shape: [1, 256, 32, 32] },
  { name: 'mask_for_mem', type: 'float32', shape: [1, 1, 512, 512] },
];

describe('generateFeeds', () => {
  it('gives the same bytes for the same seed and different bytes for another seed', async () => {
    const resolved = resolveInputShapes(MASK_DECODER);
    const a = await generateFeeds(MASK_DECODER, resolved, 11);
    const b = await generateFeeds(MASK_DECODER, resolved, 11);
    const c = await generateFeeds(MASK_DECODER, resolved, 12);
    expect(Array.from(a.image_embed!.data as Float32Array)).toEqual(Array.from(b.image_embed!.data as Float32Array));
    expect(Array.from(a.image_embed!.data as Float32Array)).not.toEqual(
      Array.from(c.image_embed!.data as Float32Array),
    );
  });

  it('fills a full memory bank and feeds the pointer-token count to the scalar input', async () => {
    const resolved = resolveInputShapes(MEMORY_ATTENTION);
    const feeds = await generateFeeds(MEMORY_ATTENTION, resolved, 0);
    expect(feeds.memory!.dims).toEqual([7 * 1024 + 16 * 4, 1, 64]);
    expect(feeds.num_obj_ptr_tokens!.dims).toEqual([]);
    expect(feeds.num_obj_ptr_tokens!.data).toEqual(BigInt64Array.from([64n]));
  });

  it("recognises memory_attention's pointer count by its signature (an integer scalar), whatever its name", async () => {
    // An exporter that calls the input "k" (no ptr/pointer/obj in sight): it still gets the pointer tokens.
    const renamed = MEMORY_ATTENTION.map((t) => (t.type === 'int64' ? { ...t, name: 'k' } : t));
    const feeds = await generateFeeds(renamed, resolveInputShapes(renamed), 0);
    expect(feeds.k!.data).toEqual(BigInt64Array.from([64n]));
  });

  it('prompts the decoder with a box: two corner points with labels 2 and 3 inside the 512-pixel frame', async () => {
    const feeds = await generateFeeds(MASK_DECODER, resolveInputShapes(MASK_DECODER), 5);
    const [x0, y0, x1, y1] = Array.from(feeds.point_coords!.data as Float32Array);
    expect(feeds.point_coords!.dims).toEqual([1, 2, 2]);
    expect(x1! > x0! && y1! > y0!).toBe(true);
    for (const v of [x0, y0, x1, y1]) expect(v! >= 0 && v! <= 512).toBe(true);
    expect(Array.from(feeds.point_labels!.data as Int32Array)).toEqual([2, 3]);
  });

  it('gives the memory encoder a saturated mask of +10 and -10 with the object in it', async () => {
    const feeds = await generateFeeds(MEMORY_ENCODER, resolveInputShapes(MEMORY_ENCODER), 0);
    const mask = feeds.mask_for_mem!.data as Float32Array;
    expect(new Set(mask)).toEqual(new Set([10, -10]));
    expect(mask[256 * 512 + 256]).toBe(10);
    expect(mask[0]).toBe(-10);
  });

  it('writes float16 inputs as IEEE half bits', async () => {
    const info: TensorInfo[] = [{ name: 'x', type: 'float16', shape: [4] }];
    const feeds = await generateFeeds(info, resolveInputShapes(info), 0);
    expect(feeds.x!.data).toBeInstanceOf(Uint16Array);
    expect(feeds.x!.dims).toEqual([4]);
    // Same seed, float32 input: the half values are those floats rounded to half precision.
    const asFloat = await generateFeeds([{ ...info[0]!, type: 'float32' }], resolveInputShapes(info), 0);
    const halves = Array.from(feeds.x!.data as Uint16Array, float16BitsToFloat32);
    Array.from(asFloat.x!.data as Float32Array).forEach((v, i) => {
      expect(halves[i]).toBeCloseTo(v, 2);
    });
  });
});
