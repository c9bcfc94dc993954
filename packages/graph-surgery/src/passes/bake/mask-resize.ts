/**
 * mask_decoder bake: bilinear upsampling of the mask logits to the frame size inside the graph (what
 * `F.interpolate(..., mode="bilinear", align_corners=False)` does in the Python glue).
 */
import { ToolkitError } from '@tamkit/common';
import { makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { NodeWriter, recordBake, refuseTwice, requireOpset } from './common.js';
import { findMaskLogits, inferredMaskDims, lowResSize } from './mask-logits.js';

export interface MaskResizeOptions {
  /** The mask-logits output (default: the model's rank-4 float output). */
  maskOutput?: string;
  /** Output [height, width] (default 4x the low-res logits, i.e. the model's input frame size: 128 -> 512). */
  size?: readonly [number, number];
  /** Drop the low-res output from the graph outputs (default false: keep both). */
  replace?: boolean;
  /** Name of the new output (default `<mask>_<h>x<w>`). */
  outputName?: string;
}

export interface MaskResizeReport {
  input: string;
  output: string;
  size: [number, number];
  replaced: boolean;
}

export function bakeMaskResize(
  input: ModelProto,
  options: MaskResizeOptions = {},
): { model: ModelProto; report: MaskResizeReport } {
  refuseTwice(input, 'mask-resize');
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake mask-resize');
  const opset = requireOpset(model, 'mask-resize', 13);
  const mask = findMaskLogits(model, 'mask-resize', options.maskOutput);
  const dims = inferredMaskDims(model, mask);
  const size = options.size ? [...options.size] : lowResSize(mask, 'mask-resize', dims).map((d) => d * 4);
  const [h, w] = size as [number, number];
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) {
    throw new ToolkitError('BAD_OPTION', `bake mask-resize: size ${h}x${w} is not a positive integer size`, {
      remedy: 'Give the size as HEIGHTxWIDTH, e.g. 512x512.',
    });
  }
  const graph = new Graph(proto);
  const out = new NodeWriter(graph, opset, '/bake/mask_resize');
  // sizes = [N, C] of the logits at run time, then the target [h, w]: batch and mask count stay free.
  const leading = out.op('Slice', [
    out.op('Shape', [mask.name]),
    out.constant('starts', DataType.INT64, [1], [0n]),
    out.constant('ends', DataType.INT64, [1], [2n]),
  ]);
  const sizes = out.op('Concat', [leading, out.constant('hw', DataType.INT64, [2], [BigInt(h), BigInt(w)])], {
    axis: 0,
  });
  out.op('Resize', [mask.name, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const name = graph.uniqueName(options.outputName ?? `${mask.name}_${h}x${w}`);
  out.nodes[out.nodes.length - 1]!.output[0] = name;
  const replace = options.replace ?? false;
  if (replace) proto.output = proto.output.filter((o) => o.name !== mask.name);
  const [n, c] = dims;
  proto.output.push(
    makeValueInfo(name, mask.elemType, [n ?? mask.declared?.[0] ?? null, c ?? mask.declared?.[1] ?? null, h, w]),
  );
  recordBake(model, 'mask-resize');
  return { model, report: { input: mask.name, output: name, size: [h, w], replaced: replace } };
}
