/**
 * memory_encoder bake: make the memory encoder's mask input from the decoder's logits inside the graph. SAM 2's
 * glue upsamples the chosen mask logits to the image size (bilinear, align_corners=False), applies a sigmoid and
 * an affine map (`sigmoid_scale_for_mem_enc`, `sigmoid_bias_for_mem_enc`), then runs the memory encoder on it.
 * On the host that is a 512x512 resize and 262k exponentials per frame (2-3.5 ms of CPU on the machines we
 * measured), on the critical path of a loop whose image encoder runs ahead. Baked, the graph takes the logits at
 * any size and the two scalars as inputs, and the GPU does it in its own kernels.
 */
import { ToolkitError } from '@tamkit/common';
import { makeValueInfo } from '../../graph/build.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph } from '../../graph/graph.js';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { requireGraph } from '../support/model-checks.js';
import { isFloat, NodeWriter, recordBake, refuseTwice, requireOpset, signatureOfValue } from './common.js';

/** Names of the inputs the bake adds besides the logits: the tracker feeds the two scalars by these names. */
export const MEMORY_MASK_INPUTS = { scale: 'mask_sigmoid_scale', bias: 'mask_sigmoid_bias' } as const;

export interface MemoryMaskOptions {
  /** The mask input to replace (default: the rank-4 float input with one channel). */
  maskInput?: string;
}

export interface MemoryMaskReport {
  /** The replaced input, now computed in the graph. */
  input: string;
  /** The new logits input [1, 1, height, width] (any size: resized to `size`). */
  logits: string;
  scale: string;
  bias: string;
  /** The mask size the encoder takes, [height, width]. */
  size: [number, number];
}

function bad(message: string, remedy: string): ToolkitError {
  return new ToolkitError('MODULE_MISMATCH', `bake memory-mask: ${message}`, { remedy });
}

/**
 * Replaces the memory encoder's mask input [1, 1, H, W] with `<mask>_logits` [1, 1, h, w] (symbolic h, w) and two
 * scalars: mask = Sigmoid(Resize(logits to H x W, bilinear, half_pixel)) * scale + bias.
 */
export function bakeMemoryMask(
  input: ModelProto,
  options: MemoryMaskOptions = {},
): { model: ModelProto; report: MemoryMaskReport } {
  refuseTwice(input, 'memory-mask');
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'bake memory-mask');
  const opset = requireOpset(model, 'memory-mask', 11);
  const stored = new Set(proto.initializer.map((t) => t.name));
  const candidates = proto.input
    .filter((v) => !stored.has(v.name))
    .map(signatureOfValue)
    .filter((s) =>
      options.maskInput === undefined
        ? isFloat(s) && s.dims?.length === 4 && s.dims[1] === 1
        : s.name === options.maskInput,
    );
  if (candidates.length !== 1) {
    throw bad(
      options.maskInput === undefined
        ? `expected one float input [1, 1, H, W] (the mask), found ${candidates.length}`
        : `no input named "${options.maskInput}"`,
      'Pass the memory_encoder model, and maskInput when it has several one-channel inputs.',
    );
  }
  const mask = candidates[0]!;
  const [, , h, w] = mask.dims ?? [];
  if (!(mask.dims?.length === 4 && typeof h === 'number' && typeof w === 'number')) {
    throw bad(
      `"${mask.name}" has no fixed height and width ([${(mask.declared ?? []).join(', ')}])`,
      'Specialise the memory encoder to its mask size first (graph-surgery specialize --dim).',
    );
  }
  for (const name of [MEMORY_MASK_INPUTS.scale, MEMORY_MASK_INPUTS.bias]) {
    if (proto.input.some((v) => v.name === name)) refuseTwice(input, 'memory-mask', `an input is named ${name}`);
  }
  const graph = new Graph(proto);
  const logits = graph.uniqueName(`${mask.name}_logits`);
  const b = new NodeWriter(graph, opset, '/bake/memory_mask', 0);
  const sizes = b.constant('sizes', DataType.INT64, [4], [1n, 1n, BigInt(h), BigInt(w)]);
  const resized = b.op('Resize', [logits, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const scaled = b.op('Mul', [b.op('Sigmoid', [resized]), MEMORY_MASK_INPUTS.scale]);
  b.op('Add', [scaled, MEMORY_MASK_INPUTS.bias]);
  // The last node now produces the old input's name: every consumer reads the mask as before.
  b.nodes[b.nodes.length - 1]!.output[0] = mask.name;
  graph.invalidate();
  const i = proto.input.findIndex((v) => v.name === mask.name);
  proto.input.splice(
    i,
    1,
    makeValueInfo(logits, mask.elemType, [1, 1, `${logits}_height`, `${logits}_width`]),
    makeValueInfo(MEMORY_MASK_INPUTS.scale, mask.elemType, []),
    makeValueInfo(MEMORY_MASK_INPUTS.bias, mask.elemType, []),
  );
  recordBake(model, 'memory-mask');
  return {
    model,
    report: { input: mask.name, logits, scale: MEMORY_MASK_INPUTS.scale, bias: MEMORY_MASK_INPUTS.bias, size: [h, w] },
  };
}
