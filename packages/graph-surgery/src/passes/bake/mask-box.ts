/**
 * mask_decoder bake: a box output computed in the graph from the low-res logits, so callers that only need a
 * box never upsample. Pixels with logit > threshold are foreground; the box spans the extreme foreground rows
 * and columns, scaled to frame coordinates: a low-res pixel i covers frame pixels [i*s, (i+1)*s - 1] with
 * s = frame/low-res, so xmin = x0*s and xmax = (x1+1)*s - 1. The box is [xmin, ymin, xmax - xmin, ymax - ymin]
 * (the pipeline's convention), one per mask, [0,0,0,0] for an empty mask.
 */
import { ToolkitError } from '@tamkit/common';
import { makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { NodeWriter, recordBake, refuseTwice, requireOpset } from './common.js';
import { findMaskLogits, inferredMaskDims, lowResSize } from './mask-logits.js';

export interface MaskBoxOptions {
  /** The mask-logits output (default: the model's rank-4 float output). */
  maskOutput?: string;
  /** Frame [height, width] the box is scaled to (default 4x the low-res logits: the model's 512x512 frame). */
  frameSize?: readonly [number, number];
  /** [height, width] of the low-res logits (default: inferred from the graph; needed only where it cannot be). */
  lowResSize?: readonly [number, number];
  /** Logits above this are foreground (default 0). */
  threshold?: number;
  /** Name of the new output (default `<mask>_boxes`), FLOAT [N, masks, 4]. */
  outputName?: string;
}

export interface MaskBoxReport {
  input: string;
  output: string;
  frameSize: [number, number];
  /** Frame pixels per low-res pixel, [y, x]. */
  scale: [number, number];
}

export function bakeMaskBox(
  input: ModelProto,
  options: MaskBoxOptions = {},
): { model: ModelProto; report: MaskBoxReport } {
  refuseTwice(input, 'mask-box');
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake mask-box');
  const opset = requireOpset(model, 'mask-box', 13);
  const mask = findMaskLogits(model, 'mask-box', options.maskOutput);
  const dims = inferredMaskDims(model, mask);
  const [lh, lw] = lowResSize(mask, 'mask-box', dims, options.lowResSize);
  const [fh, fw] = options.frameSize ? [...options.frameSize] : [lh * 4, lw * 4];
  if (!(fh! > 0 && fw! > 0)) {
    throw new ToolkitError('BAD_OPTION', `bake mask-box: frame size ${fh}x${fw} is not positive`, {
      remedy: 'Give the frame size as HEIGHTxWIDTH, e.g. 720x1280.',
    });
  }
  const sy = Math.fround(fh! / lh);
  const sx = Math.fround(fw! / lw);
  const graph = new Graph(proto);
  const b = new NodeWriter(graph, opset, '/bake/mask_box');
  const scalar = (label: string, v: number) => b.constant(label, DataType.FLOAT, [], [v]);
  const threshold = b.constant('threshold', mask.elemType, [], [options.threshold ?? 0]);
  const foreground = b.op('Cast', [b.op('Greater', [mask.name, threshold])], { to: DataType.FLOAT });
  const cols = b.reduce('ReduceMax', foreground, [2], 0); // [N, C, w]: 1 where a column has foreground
  const rows = b.reduce('ReduceMax', foreground, [3], 0); // [N, C, h]
  const present = b.reduce('ReduceMax', cols, [2], 1); // [N, C, 1]: 0 for an empty mask
  const extreme = (line: string, last: 0 | 1) =>
    b.op('Cast', [b.op('ArgMax', [line], { axis: 2, keepdims: 1, select_last_index: last })], { to: DataType.FLOAT });
  const one = scalar('one', 1);
  const low = (line: string, s: string) => b.op('Mul', [extreme(line, 0), s]);
  const high = (line: string, s: string) => b.op('Sub', [b.op('Mul', [b.op('Add', [extreme(line, 1), one]), s]), one]);
  const sxName = scalar('scale_x', sx);
  const syName = scalar('scale_y', sy);
  const xmin = low(cols, sxName);
  const ymin = low(rows, syName);
  const width = b.op('Sub', [high(cols, sxName), xmin]);
  const height = b.op('Sub', [high(rows, syName), ymin]);
  b.op('Mul', [b.op('Concat', [xmin, ymin, width, height], { axis: 2 }), present]);
  const name = graph.uniqueName(options.outputName ?? `${mask.name}_boxes`);
  b.nodes[b.nodes.length - 1]!.output[0] = name;
  const [n, c] = dims;
  proto.output.push(
    makeValueInfo(name, DataType.FLOAT, [n ?? mask.declared?.[0] ?? null, c ?? mask.declared?.[1] ?? null, 4]),
  );
  recordBake(model, 'mask-box');
  return { model, report: { input: mask.name, output: name, frameSize: [fh!, fw!], scale: [sy, sx] } };
}
