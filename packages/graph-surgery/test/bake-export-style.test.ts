/**
 * The mask_decoder bakes on a decoder whose outputs are declared with an exporter's placeholder dims
 * (`Castlow_res_masks_dim_0..3`): the low-res size comes from shape inference through the graph's shape
 * arithmetic, so `graph-surgery bake` works with its defaults and with `--box`; where a size genuinely cannot be
 * inferred, the error names the options that give it, and those options work.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { bakeMaskBox, bakeMaskResize, bakeModule, cloneMessage, readModel, writeModel } from '../src/index.js';
import { checkMaskBox, checkMaskResize, feedsFor } from './helpers/bake-checks.js';
import { exportStyleMaskDecoder } from './helpers/export-style.js';
import { graphOf } from './helpers/ort-feeds.js';

const declaredDims = (model: ReturnType<typeof exportStyleMaskDecoder>, name: string) =>
  graphOf(model)
    .output.find((o) => o.name === name)
    ?.type?.tensorType?.shape?.dim.map((d) => d.dimValue ?? d.dimParam);

/** The export-style decoder with its mask logits coming out of an op no shape rule knows. */
function opaqueMasks() {
  const model = cloneMessage(exportStyleMaskDecoder());
  const last = graphOf(model).node.find((n) => n.output[0] === 'low_res_masks')!;
  Object.assign(last, { opType: 'MaskPassThrough', domain: 'com.example' });
  return model;
}

describe('mask_decoder bakes on placeholder output dims', () => {
  const model = exportStyleMaskDecoder();
  const feeds = feedsFor(model, { num_points: 2 });

  it('the model declares placeholders, as a PyTorch export does', () => {
    expect(declaredDims(model, 'low_res_masks')).toEqual([0, 1, 2, 3].map((i) => `Castlow_res_masks_dim_${i}`));
  });

  it('mask-resize infers the 16x16 logits and upsamples 4x by default', async () => {
    const report = await checkMaskResize(model, feeds);
    expect(report.size).toEqual([64, 64]);
    const baked = bakeMaskResize(model).model;
    expect(declaredDims(baked, report.output)).toEqual([1, 3, 64, 64]);
  });

  it('mask-box infers the low-res size and gives exact boxes at the default frame size', async () => {
    const { report } = await checkMaskBox(model, feeds);
    expect(report.frameSize).toEqual([64, 64]);
    expect(report.scale).toEqual([4, 4]);
  });

  it('bakeModule with defaults and with the box works as the CLI runs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-bake-'));
    await writeModel(model, join(dir, 'md.onnx'));
    const io = { out: () => {}, err: () => {} };
    expect(await main(['bake', join(dir, 'md.onnx'), '-o', join(dir, 'out.onnx')], io)).toBe(0);
    expect(await main(['bake', join(dir, 'md.onnx'), '-o', join(dir, 'box.onnx'), '--box'], io)).toBe(0);
    const box = await readModel(join(dir, 'box.onnx'));
    expect(graphOf(box).output.map((o) => o.name)).toEqual([
      'low_res_masks',
      'iou_predictions',
      'low_res_masks_boxes',
      'low_res_masks_64x64',
    ]);
    expect(bakeModule(model, { maskBox: true }).report.applied).toEqual(['mask-box', 'mask-resize']);
  });

  it('BAD CALL - a size that cannot be inferred: the error names options that exist, and they work', async () => {
    const opaque = opaqueMasks();
    expect(() => bakeMaskResize(opaque)).toThrow(
      expect.objectContaining({ code: 'SHAPE_UNKNOWN', remedy: expect.stringMatching(/--size HxW/) }),
    );
    expect(() => bakeMaskBox(opaque)).toThrow(
      expect.objectContaining({ code: 'SHAPE_UNKNOWN', remedy: expect.stringMatching(/--low-res-size HxW/) }),
    );
    expect(bakeMaskResize(opaque, { size: [64, 64] }).report.size).toEqual([64, 64]);
    expect(bakeMaskBox(opaque, { lowResSize: [16, 16] }).report.scale).toEqual([4, 4]);
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-bake-'));
    await writeModel(opaque, join(dir, 'md.onnx'));
    let err = '';
    const io = {
      out: () => {},
      err: (t: string) => {
        err += t;
      },
    };
    expect(await main(['bake', join(dir, 'md.onnx'), '-o', join(dir, 'a.onnx'), '--box'], io)).toBe(1);
    expect(err).toMatch(/SHAPE_UNKNOWN.*\n.*--low-res-size/);
    const flags = ['--box', '--low-res-size', '16x16', '--size', '64x64'];
    expect(await main(['bake', join(dir, 'md.onnx'), '-o', join(dir, 'b.onnx'), ...flags], io)).toBe(0);
  });
});
