import type { ToolkitError } from '@tamkit/common';
import { describe, expect, it } from 'vitest';
import {
  bakeFeatureLayout,
  DataType,
  emptyGraph,
  encodeModel,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  mergeModels,
} from '../src/index.js';
import { attentionMapFeeds, embedFeed, PAD_POINT_FEEDS } from './helpers/attention-decoder-feeds.js';
import { maxAbsDiff, runModel } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

/** y = x * k + b through one MatMul-free chain, with names a second copy repeats. */
function affine(k: number): ReturnType<typeof makeModel> {
  const g = emptyGraph('affine');
  g.input.push(makeValueInfo('x', DataType.FLOAT, [1, 4]));
  g.output.push(makeValueInfo('y', DataType.FLOAT, [1, 4]));
  g.initializer.push(makeTensor('k', DataType.FLOAT, [], [k]), makeTensor('b', DataType.FLOAT, [4], [1, 2, 3, 4]));
  g.node.push(
    makeNode({ opType: 'Mul', inputs: ['x', 'k'], outputs: ['t'], name: 'mul' }),
    makeNode({ opType: 'Add', inputs: ['t', 'b'], outputs: ['y'], name: 'add' }),
  );
  return makeModel({ graph: g });
}

describe('mergeModels', () => {
  it('memory_attention + mask_decoder in one graph computes what the two compute in turn (ORT CPU)', async () => {
    const { model: attention } = bakeFeatureLayout(zooModule('tiny', 'memory_attention'), { height: 32, width: 32 });
    const decoder = zooModule('tiny', 'mask_decoder');
    const before = encodeModel(attention);
    const { model, report } = mergeModels(attention, decoder, { connect: { image_embed: 'pix_feat_with_mem' } });
    expect(encodeModel(attention)).toEqual(before); // the input is never changed
    expect(report.connected).toEqual([{ input: 'image_embed', output: 'pix_feat_with_mem' }]);
    expect(report.inputs).toEqual([
      'curr',
      'curr_pos',
      'memory',
      'memory_pos',
      'num_obj_ptr_tokens',
      'point_coords',
      'point_labels',
    ]);
    expect(report.outputs).toEqual(decoder.graph!.output.map((o) => o.name));
    expect(report.renamedIo).toEqual({});

    const conditioned = await runModel(attention, attentionMapFeeds());
    const chained = await runModel(decoder, {
      image_embed: embedFeed(conditioned.pix_feat_with_mem!.data),
      ...PAD_POINT_FEEDS,
    });
    const merged = await runModel(model, { ...attentionMapFeeds(), ...PAD_POINT_FEEDS });
    expect(Object.keys(merged).sort()).toEqual(Object.keys(chained).sort());
    for (const [name, out] of Object.entries(chained)) {
      expect(merged[name]!.dims).toEqual(out.dims);
      // Same kernels on the same values; ORT may fuse across the seam, so float32 rounding may differ slightly.
      expect(maxAbsDiff(merged[name]!.data, out.data), name).toBeLessThan(1e-4);
    }
  });

  it('renames what the second model shares with the first, the same way everywhere', async () => {
    const { model, report } = mergeModels(affine(2), affine(3), { connect: { x: 'y' }, prefix: 'second/' });
    expect(report.renamedIo).toEqual({ y: 'second/y' });
    expect(report.inputs).toEqual(['x']);
    expect(report.outputs).toEqual(['second/y']);
    expect(report.renamed).toBeGreaterThanOrEqual(6); // t, k, b, y and the node names mul, add
    const out = await runModel(model, { x: { type: 'float32', dims: [1, 4], data: [1, 1, 1, 1] } });
    // (x * 2 + b) * 3 + b
    expect([...out['second/y']!.data]).toEqual([1, 2, 3, 4].map((b) => (2 + b) * 3 + b));
  });

  it('keeps a connected output of the first model when asked', () => {
    const { report } = mergeModels(affine(2), affine(3), { connect: { x: 'y' }, keepOutputs: ['y'] });
    expect(report.outputs).toEqual(['y', 'affine/y']);
  });

  it('BAD CALL - names what is wrong: unknown input or output, layouts that differ, opsets that differ', () => {
    const attention = zooModule('tiny', 'memory_attention');
    const decoder = zooModule('tiny', 'mask_decoder');
    expect(() => mergeModels(attention, decoder, { connect: {} })).toThrow(/nothing to connect/);
    expect(() => mergeModels(attention, decoder, { connect: { embed: 'pix_feat_with_mem' } })).toThrow(
      /no graph input "embed" \(inputs: image_embed, point_coords, point_labels\)/,
    );
    expect(() => mergeModels(attention, decoder, { connect: { image_embed: 'features' } })).toThrow(
      /no graph output "features"/,
    );
    // Token layout [1024, 1, C] into a [1, C, 32, 32] input: bake the feature layout first.
    const layout = (() => {
      try {
        mergeModels(attention, decoder, { connect: { image_embed: 'pix_feat_with_mem' } });
      } catch (error) {
        return error as ToolkitError;
      }
    })();
    expect(layout?.message).toMatch(
      /"pix_feat_with_mem" \[.*\] -> input "image_embed" \[1, 32, 32, 32\]: shapes differ/,
    );
    expect(layout?.remedy).toMatch(/bake the feature layout/);
    const older = affine(3);
    older.opsetImport = [{ domain: '', version: 13 }];
    expect(() => mergeModels(affine(2), older, { connect: { x: 'y' } })).toThrow(
      /opset of domain "ai.onnx" differs: 17 .* 13/,
    );
    expect(() => mergeModels(affine(2), affine(3), { connect: { x: 'y' }, keepOutputs: ['z'] })).toThrow(
      /keepOutputs names "z"/,
    );
  });
});
