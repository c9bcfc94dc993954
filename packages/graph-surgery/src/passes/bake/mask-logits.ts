/** Finding the mask-logits output of a mask decoder: its rank-4 float output ([N, masks, h, w]). */
import { ToolkitError } from '@tamkit/common';
import { inferShapes } from '../../inspect/shape-inference.js';
import type { ModelProto } from '../../onnx/types.js';
import { defaultOpset, type IoSignature, isFloat, signatureOfValue } from './common.js';
import { assertModule } from './recognize.js';

export function findMaskLogits(model: ModelProto, bake: string, name?: string): IoSignature {
  const outputs = (model.graph?.output ?? []).map(signatureOfValue);
  if (name !== undefined) {
    const chosen = outputs.find((o) => o.name === name);
    if (!chosen) {
      throw new ToolkitError('TENSOR_NOT_FOUND', `bake ${bake}: the model has no output "${name}"`, {
        remedy: `Name one of its outputs: ${outputs.map((o) => o.name).join(', ')}.`,
      });
    }
    return chosen;
  }
  // Without a name, the model must look like a mask decoder: other modules have rank-4 outputs too.
  assertModule(model, 'mask_decoder');
  let masks = outputs.filter((o) => isFloat(o) && o.dims?.length === 4);
  if (masks.length > 1) masks = masks.filter((o) => /mask/i.test(o.name));
  if (masks.length !== 1) {
    throw new ToolkitError(
      'MODULE_MISMATCH',
      `bake ${bake}: expected one rank-4 float mask-logits output, found ${masks.length}`,
      { remedy: 'Pass the mask_decoder model, or name the mask output with --mask-output.' },
    );
  }
  return masks[0]!;
}

/**
 * The mask logits' dims as the graph computes them (shape inference through the exporter's shape arithmetic,
 * not the declared dims, which real exports fill with placeholders such as `Castlow_res_masks_dim_2`). Free
 * input dims (the number of points) are tried at two sizes: a dim is known only when both agree.
 */
export function inferredMaskDims(model: ModelProto, mask: IoSignature): (number | null)[] {
  const graph = model.graph;
  const rank = mask.dims?.length ?? 4;
  if (!graph) return new Array<number | null>(rank).fill(null);
  const opset = defaultOpset(model);
  const [a, b] = [1, 2].map((defaultDim) => inferShapes(graph, { defaultDim, opset }).facts.get(mask.name)?.shape);
  return Array.from({ length: rank }, (_, i) => (a?.[i] !== undefined && a[i] === b?.[i] ? a[i]! : null));
}

/**
 * Spatial size [h, w] of the low-res logits: `given` if set, else the inferred `dims`; an error saying how to
 * give it when neither has it.
 */
export function lowResSize(
  mask: IoSignature,
  bake: string,
  dims: readonly (number | null)[],
  given?: readonly [number, number],
): [number, number] {
  if (given) return [given[0], given[1]];
  const [, , h, w] = dims;
  if (!h || !w) {
    const flags = bake === 'mask-box' ? '--low-res-size HxW (and --frame-size HxW)' : '--size HxW (the upsampled size)';
    throw new ToolkitError(
      'SHAPE_UNKNOWN',
      `bake ${bake}: the height and width of "${mask.name}" could not be inferred from the graph (declared as [${(mask.declared ?? []).join(', ')}])`,
      {
        remedy: `Give them with ${flags}, or bind the input dims first with graph-surgery specialize so that every shape is known.`,
      },
    );
  }
  return [h, w];
}
