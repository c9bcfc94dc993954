/**
 * Miniature modules with the I/O signatures of the EfficientTAM exports (names and ranks as one export wrapper
 * writes them), small enough to build and run in milliseconds. The zoo tests cover the real architecture.
 */

import { DataType, type ModelProto } from '../../src/index.js';
import { GraphSketch } from './graphs.js';
import { graphOf } from './ort-feeds.js';

/** image_embed [1,8,4,4], point_coords [1,P,2], point_labels int32 [1,P] -> low_res_masks [1,3,16,16], iou [1,3]. */
export function miniMaskDecoder(): ModelProto {
  const g = new GraphSketch('/sam_mask_decoder');
  const embed = g.input('image_embed', DataType.FLOAT, [1, 8, 4, 4]);
  const coords = g.input('point_coords', DataType.FLOAT, [1, 'num_points', 2]);
  const labels = g.input('point_labels', DataType.INT32, [1, 'num_points']);
  const conv = g.op('Conv', [
    embed,
    g.weight('proj', [3, 8, 1, 1], 11),
    g.constant('bias', DataType.FLOAT, [3], [0.2, -0.1, -100]),
  ]);
  const prompt = g.op('Add', [
    g.op('ReduceMean', [coords], { keepdims: 0 }),
    g.op('ReduceSum', [g.op('Cast', [labels], { to: DataType.FLOAT })], { keepdims: 0 }),
  ]);
  const up = g.op('Resize', [conv, '', g.constant('scales', DataType.FLOAT, [4], [1, 1, 4, 4])], { mode: 'linear' });
  const wave = g.weight('texture', [1, 1, 16, 16], 12, 2);
  const masks = g.op('Add', [
    g.op('Add', [up, wave]),
    g.op('Mul', [prompt, g.constant('k', DataType.FLOAT, [], [0.01])]),
  ]);
  const iou = g.op('ReduceMean', [conv], { axes: [2, 3], keepdims: 0 });
  graphOf(g).node.push(
    { ...nodeLike('Identity', [masks], ['low_res_masks']) },
    { ...nodeLike('Identity', [iou], ['iou_predictions']) },
  );
  g.output('low_res_masks', DataType.FLOAT, [1, 3, 16, 16]);
  g.output('iou_predictions', DataType.FLOAT, [1, 3]);
  return g.model();
}

function nodeLike(opType: string, input: string[], output: string[]) {
  return {
    opType,
    name: `/out/${output[0]}`,
    input,
    output,
    attribute: [],
    metadataProps: [],
    deviceConfigurations: [],
  };
}

/** curr [16,1,8], memory/memory_pos [num_mem_tokens,1,4] (sequence-first) -> pix_feat_with_mem [16,1,8]. */
export function miniMemoryAttention(): ModelProto {
  const g = new GraphSketch('/memory_attention');
  const curr = g.input('curr', DataType.FLOAT, [16, 1, 8]);
  const memory = g.input('memory', DataType.FLOAT, ['num_mem_tokens', 1, 4]);
  const pos = g.input('memory_pos', DataType.FLOAT, ['num_mem_tokens', 1, 4]);
  const q = g.op('Transpose', [g.op('MatMul', [curr, g.weight('wq', [8, 4], 21)])], { perm: [1, 0, 2] });
  const k = g.op('Transpose', [g.op('Add', [memory, pos])], { perm: [1, 2, 0] });
  const p = g.op('Softmax', [g.op('MatMul', [q, k])], { axis: -1 });
  const v = g.op('Transpose', [g.op('MatMul', [memory, g.weight('wv', [4, 8], 22)])], { perm: [1, 0, 2] });
  const attended = g.op('Transpose', [g.op('MatMul', [p, v])], { perm: [1, 0, 2] });
  graphOf(g).node.push(nodeLike('Add', [attended, curr], ['pix_feat_with_mem']));
  g.output('pix_feat_with_mem', DataType.FLOAT, [16, 1, 8]);
  return g.model();
}

/** image [1,3,16,16] (normalised RGB) -> vision_features [1,4,4,4]. */
export function miniImageEncoder(): ModelProto {
  const g = new GraphSketch('/image_encoder');
  const image = g.input('image', DataType.FLOAT, [1, 3, 16, 16]);
  const conv = g.op('Conv', [image, g.weight('patch', [4, 3, 4, 4], 31)], { strides: [4, 4] });
  graphOf(g).node.push(nodeLike('Identity', [conv], ['vision_features']));
  g.output('vision_features', DataType.FLOAT, [1, 4, 4, 4]);
  return g.model();
}

/** pix_feat [1,8,4,4], mask_for_mem [1,1,16,16] -> maskmem_features [1,8,4,4]. */
export function miniMemoryEncoder(): ModelProto {
  const g = new GraphSketch('/memory_encoder');
  const feat = g.input('pix_feat', DataType.FLOAT, [1, 8, 4, 4]);
  const mask = g.input('mask_for_mem', DataType.FLOAT, [1, 1, 16, 16]);
  const down = g.op('AveragePool', [mask], { kernel_shape: [4, 4], strides: [4, 4] });
  graphOf(g).node.push(nodeLike('Add', [feat, down], ['maskmem_features']));
  g.output('maskmem_features', DataType.FLOAT, [1, 8, 4, 4]);
  return g.model();
}
