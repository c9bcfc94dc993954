import { describe, expect, it } from 'vitest';
import {
  appliedBakes,
  bakeMaskBox,
  bakeMaskResize,
  bakeMemoryLayout,
  bakeModule,
  bakePreprocess,
  encodeModel,
  recognizeModule,
} from '../src/index.js';
import { checkMaskBox, checkMaskResize, checkMemoryLayout, checkPreprocess, feedsFor } from './helpers/bake-checks.js';
import { miniImageEncoder, miniMaskDecoder, miniMemoryAttention, miniMemoryEncoder } from './helpers/modules.js';
import { graphOf } from './helpers/ort-feeds.js';

describe('bakes on miniature modules (outputs = original + the TypeScript operation)', () => {
  const decoder = miniMaskDecoder();
  const decoderFeeds = feedsFor(decoder, { num_points: 2 });

  it('mask-resize upsamples the logits 4x by default, bilinear with half-pixel centres', async () => {
    const report = await checkMaskResize(decoder, decoderFeeds);
    expect(report.size).toEqual([64, 64]);
  });

  it('mask-resize upsamples to any size', async () => {
    const report = await checkMaskResize(decoder, decoderFeeds, [37, 50]);
    expect(report.size).toEqual([37, 50]);
  });

  it('mask-resize can replace the low-res output', () => {
    const { model } = bakeMaskResize(decoder, { replace: true });
    expect(graphOf(model).output.map((o) => o.name)).toEqual(['iou_predictions', 'low_res_masks_64x64']);
  });

  it('mask-box gives exact boxes scaled to the frame, and [0,0,0,0] for an empty mask', async () => {
    const { boxes } = await checkMaskBox(decoder, decoderFeeds);
    expect(Array.from(boxes.slice(8))).toEqual([0, 0, 0, 0]);
    expect(boxes.slice(0, 8).some((v) => v > 0)).toBe(true);
    await checkMaskBox(decoder, decoderFeeds, [720, 1280]);
  });

  it('memory-layout takes (B,T,C) memory and transposes it in the graph', async () => {
    const model = miniMemoryAttention();
    const report = await checkMemoryLayout(model, feedsFor(model, { num_mem_tokens: 9 }));
    expect(report.inputs.map((i) => i.name)).toEqual(['memory', 'memory_pos']);
    expect(report.inputs[0]!.shape).toEqual([1, 'num_mem_tokens', 4]);
  });

  it('preprocess takes a uint8 HWC frame and normalises it in the graph', async () => {
    const model = miniImageEncoder();
    await checkPreprocess(model, {});
  });

  it('preprocess with resize takes frames of any size', async () => {
    const model = miniImageEncoder();
    await checkPreprocess(model, {}, [24, 20]);
  });
});

describe('bakeModule', () => {
  it('recognises each module from its I/O signature', () => {
    expect(recognizeModule(miniMaskDecoder()).module).toBe('mask_decoder');
    expect(recognizeModule(miniMemoryAttention()).module).toBe('memory_attention');
    expect(recognizeModule(miniImageEncoder()).module).toBe('image_encoder');
    expect(recognizeModule(miniMemoryEncoder()).module).toBe('memory_encoder');
  });

  it('recognises modules whose I/O names follow another exporter', () => {
    const model = miniMaskDecoder();
    const g = model.graph!;
    const rename = new Map([
      ['image_embed', 'feats'],
      ['point_coords', 'coords'],
      ['point_labels', 'lbl'],
    ]);
    for (const v of g.input) v.name = rename.get(v.name!) ?? v.name;
    for (const n of g.node) n.input = n.input.map((i) => rename.get(i) ?? i);
    expect(recognizeModule(model).module).toBe('mask_decoder');
  });

  it('applies the module bakes and records them', () => {
    const { model, report } = bakeModule(miniMaskDecoder(), { maskBox: true });
    expect(report.applied).toEqual(['mask-box', 'mask-resize']);
    expect(appliedBakes(model)).toEqual(['mask-box', 'mask-resize']);
    expect(bakeModule(miniImageEncoder()).report.applied).toEqual(['preprocess']);
    expect(bakeModule(miniMemoryAttention()).report.applied).toEqual(['memory-layout']);
  });

  it('refuses a bake applied twice', () => {
    const twice = [
      () => bakeModule(bakeModule(miniMaskDecoder()).model),
      () => bakeMaskBox(bakeMaskBox(miniMaskDecoder()).model),
      () => bakeMemoryLayout(bakeMemoryLayout(miniMemoryAttention()).model),
      () => bakePreprocess(bakePreprocess(miniImageEncoder()).model),
    ];
    for (const bake of twice) expect(bake).toThrow(expect.objectContaining({ code: 'BAKE_ALREADY_APPLIED' }));
  });

  it('refuses preprocess on a uint8 input even without the record', () => {
    const { model } = bakePreprocess(miniImageEncoder());
    model.metadataProps = [];
    expect(() => bakePreprocess(model)).toThrow(/already uint8/);
  });

  it('refuses the wrong module and a module without bakes, leaving the input unchanged', () => {
    const encoder = miniImageEncoder();
    const before = encodeModel(encoder);
    expect(() => bakeModule(encoder, { module: 'mask_decoder' })).toThrow(
      expect.objectContaining({ code: 'MODULE_MISMATCH' }),
    );
    expect(() => bakeMaskResize(encoder)).toThrow(expect.objectContaining({ code: 'MODULE_MISMATCH' }));
    expect(() => bakeModule(miniMemoryEncoder())).toThrow(expect.objectContaining({ code: 'BAKE_NONE' }));
    expect(encodeModel(encoder)).toEqual(before);
  });

  it('refuses an unknown mask output name', () => {
    expect(() => bakeMaskResize(miniMaskDecoder(), { maskOutput: 'nope' })).toThrow(
      expect.objectContaining({ code: 'TENSOR_NOT_FOUND' }),
    );
  });
});
