import { describe, expect, it } from 'vitest';
import { bakeModule } from '../src/index.js';
import { checkMaskBox, checkMaskResize, checkMemoryLayout, checkPreprocess, feedsFor } from './helpers/bake-checks.js';
import { ZOO_DIMS, zooModule } from './helpers/zoo.js';

for (const size of ['tiny', 'full'] as const) {
  describe(`bakes on the ${size} zoo (outputs = original + the TypeScript operation)`, () => {
    it('mask_decoder: logits resized 128 -> 512 within 1e-5, boxes exact', async () => {
      const model = zooModule(size, 'mask_decoder');
      const feeds = feedsFor(model, ZOO_DIMS);
      const resize = await checkMaskResize(model, feeds);
      expect(resize.size).toEqual([512, 512]);
      const { report } = await checkMaskBox(model, feeds);
      expect(report.scale).toEqual([4, 4]);
    });

    it('memory_attention: memory and memory_pos taken as (B,T,C)', async () => {
      const model = zooModule(size, 'memory_attention');
      const report = await checkMemoryLayout(model, feedsFor(model, ZOO_DIMS));
      expect(report.inputs.map((i) => i.name)).toEqual(['memory', 'memory_pos']);
    });

    it('image_encoder: uint8 512x512 RGB frame in, normalisation and HWC->CHW in the graph', async () => {
      const report = await checkPreprocess(zooModule(size, 'image_encoder'), {});
      expect(report.frameShape).toEqual([512, 512, 3]);
    });

    it('recognises every module from its signature; memory_encoder has no bakes', () => {
      expect(bakeModule(zooModule(size, 'mask_decoder')).report.module).toBe('mask_decoder');
      expect(bakeModule(zooModule(size, 'memory_attention')).report.module).toBe('memory_attention');
      expect(bakeModule(zooModule(size, 'image_encoder')).report.module).toBe('image_encoder');
      expect(() => bakeModule(zooModule(size, 'memory_encoder'))).toThrow(
        expect.objectContaining({ code: 'BAKE_NONE' }),
      );
    });
  });
}

describe('preprocess with resize on the tiny zoo', () => {
  it('resizes a 480x640 frame to 512x512 in the graph', async () => {
    await checkPreprocess(zooModule('tiny', 'image_encoder'), {}, [480, 640]);
  });
});
