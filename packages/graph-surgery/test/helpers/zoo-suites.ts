/**
 * Zoo acceptance suites, one call per zoo size: zoo-tiny.test.ts and zoo-full.test.ts call them, so each
 * file builds its zoo once.
 */
import { describe, expect, it } from 'vitest';
import {
  bakeModule,
  convertToFloat16,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  type ModelProto,
  type ZooSize,
} from '../../src/index.js';
import { checkMaskBox, checkMaskResize, checkMemoryLayout, checkPreprocess, feedsFor } from './bake-checks.js';
import { relativeL2, runModel } from './ort-feeds.js';
import { halfFeeds, skipFullSize, ZOO_DIMS, zooModule, zooModules } from './zoo.js';

/** The recommended FP32 islands: the mixed preset (on the image encoder, attention scores and norms). */
export const ISLANDS = ['mixed'];

/** Relative L2 error of every output (||a - b|| / ||b||): the FP16 tolerance metric of these tests. */
export async function errors(
  model: ModelProto,
  reference: ModelProto,
  feeds = feedsFor(reference, ZOO_DIMS),
  half = false,
) {
  const expected = await runModel(reference, feeds);
  // onnxruntime-node 1.30 segfaults creating the FP16 memory_attention session at optimisation level 'all';
  // 'extended' runs it.
  const out = await runModel(model, half ? halfFeeds(feeds) : feeds, { optimization: half ? 'extended' : 'all' });
  return Object.keys(expected).map((k) => relativeL2(out[k]?.data ?? [], expected[k]?.data ?? []));
}

/** Bakes: outputs equal the original followed by the TypeScript operation. */
export function bakeSuite(size: ZooSize): void {
  describe(`bakes on the ${size} zoo (outputs = original + the TypeScript operation)`, () => {
    const maskBakes = async (model: ModelProto) => {
      const feeds = feedsFor(model, ZOO_DIMS);
      const resize = await checkMaskResize(model, feeds);
      expect(resize.size).toEqual([512, 512]);
      const { report } = await checkMaskBox(model, feeds);
      expect(report.scale).toEqual([4, 4]);
    };

    it('mask_decoder (export style, placeholder output dims): logits resized 128 -> 512 within 1e-5, boxes exact', () =>
      maskBakes(zooModule(size, 'mask_decoder')));

    it('mask_decoder (clean style, concrete output dims): logits resized 128 -> 512 within 1e-5, boxes exact', () =>
      maskBakes(zooModule(size, 'mask_decoder', false, 'clean')));

    it.skipIf(skipFullSize(size, 'memory_attention'))(
      'memory_attention: memory and memory_pos taken as (B,T,C)',
      async () => {
        const model = zooModule(size, 'memory_attention');
        const report = await checkMemoryLayout(model, feedsFor(model, ZOO_DIMS));
        expect(report.inputs.map((i) => i.name)).toEqual(['memory', 'memory_pos']);
      },
    );

    it.skipIf(skipFullSize(size, 'image_encoder'))(
      'image_encoder: uint8 512x512 RGB frame in, normalisation and HWC->CHW in the graph',
      async () => {
        const report = await checkPreprocess(zooModule(size, 'image_encoder'), {});
        expect(report.frameShape).toEqual([512, 512, 3]);
      },
    );

    it('recognises every module from its signature; memory_encoder has no bakes', () => {
      expect(bakeModule(zooModule(size, 'mask_decoder')).report.module).toBe('mask_decoder');
      expect(bakeModule(zooModule(size, 'mask_decoder', false, 'clean')).report.module).toBe('mask_decoder');
      expect(bakeModule(zooModule(size, 'memory_attention')).report.module).toBe('memory_attention');
      expect(bakeModule(zooModule(size, 'image_encoder')).report.module).toBe('image_encoder');
      expect(() => bakeModule(zooModule(size, 'memory_encoder'))).toThrow(
        expect.objectContaining({ code: 'BAKE_NONE' }),
      );
    });
  });
}

/** Native FP16 without outliers; FP16 emulation with outliers, broken, and repaired by FP32 islands. */
export function precisionSuite(size: ZooSize): void {
  describe(`FP16 on the ${size} zoo without outliers`, () => {
    for (const module of EFFICIENTTAM_MODULES) {
      it.skipIf(skipFullSize(size, module))(
        `${module}: native FP16 outputs within 1e-2 relative L2 of FP32`,
        async () => {
          const model = zooModule(size, module);
          const { model: half } = convertToFloat16(model);
          for (const e of await errors(half, model, undefined, true)) expect(e).toBeLessThan(1e-2);
        },
      );
    }
  });

  describe(`FP32 islands on the ${size} zoo with outliers`, () => {
    it.skipIf(skipFullSize(size, 'image_encoder'))(
      'image_encoder: emulated FP16 is broken, with attention/normalisation islands it is close to FP32',
      async () => {
        const model = zooModules(size, true, ['image_encoder']).image_encoder!;
        const { model: emulated } = emulateFloat16(model);
        const { model: islands } = emulateFloat16(model, { exceptPatterns: ISLANDS });
        const feeds = feedsFor(model, ZOO_DIMS);
        const broken = await errors(emulated, model, feeds);
        const repaired = await errors(islands, model, feeds);
        expect(Math.max(...broken)).toBeGreaterThan(0.5);
        for (const e of repaired) expect(e).toBeLessThan(1e-2);
      },
    );
  });
}
