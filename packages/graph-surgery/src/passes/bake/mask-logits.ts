/** Finding the mask-logits output of a mask decoder: its rank-4 float output ([N, masks, h, w]). */
import { ToolkitError } from '@tamkit/common';
import type { ModelProto } from '../../onnx/types.js';
import { type IoSignature, isFloat, signatureOfValue } from './common.js';
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

/** Spatial size [h, w] of the low-res logits; an error when the model does not declare it and none is given. */
export function lowResSize(mask: IoSignature, bake: string): [number, number] {
  const h = mask.dims?.[2];
  const w = mask.dims?.[3];
  if (!h || !w) {
    throw new ToolkitError('SHAPE_UNKNOWN', `bake ${bake}: "${mask.name}" has no fixed height and width`, {
      remedy: 'Give the output size explicitly (--size / --frame-size).',
    });
  }
  return [h, w];
}
