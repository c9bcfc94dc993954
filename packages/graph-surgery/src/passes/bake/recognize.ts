/**
 * Recognising which EfficientTAM / SAM 2 module a model is from its I/O signature: ranks, channel counts and
 * element types. Names are only a hint, used when the signature alone is ambiguous (exporters name things
 * differently).
 */
import { ToolkitError } from '@tamkit/common';
import { DataType, type ModelProto } from '../../onnx/types.js';
import { type IoSignature, isFloat, signatureOfValue } from './common.js';

export const MODULES = ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder'] as const;
export type ModuleKind = (typeof MODULES)[number];

export interface Recognition {
  module: ModuleKind;
  /** Why: the signature features that decided it. */
  reason: string;
}

function graphInputs(model: ModelProto): IoSignature[] {
  const g = model.graph;
  const stored = new Set(g?.initializer.map((t) => t.name));
  return (g?.input ?? []).filter((v) => !stored.has(v.name)).map(signatureOfValue);
}

const rank = (s: IoSignature) => s.dims?.length;
const INT_TYPES: ReadonlySet<number> = new Set([DataType.INT32, DataType.INT64]);

/** The candidates the signature allows, each with its reason. */
function candidates(model: ModelProto): Recognition[] {
  const inputs = graphInputs(model);
  const outputs = (model.graph?.output ?? []).map(signatureOfValue);
  const float4 = inputs.filter((s) => isFloat(s) && rank(s) === 4);
  const float3 = inputs.filter((s) => isFloat(s) && rank(s) === 3);
  const found: Recognition[] = [];
  const image = float4.find((s) => s.dims?.[1] === 3);
  const frame = inputs.find((s) => s.elemType === DataType.UINT8 && (rank(s) === 3 || rank(s) === 4));
  if ((image && float4.length === 1) || frame) {
    found.push({
      module: 'image_encoder',
      reason: `${image ? 'one RGB NCHW float input' : 'a uint8 frame input'} "${(image ?? frame)!.name}"`,
    });
  }
  const coords = float3.find((s) => s.dims?.[2] === 2);
  const labels = inputs.find((s) => INT_TYPES.has(s.elemType) && rank(s) === 2);
  if (coords && labels && float4.length >= 1) {
    found.push({
      module: 'mask_decoder',
      reason: `point coordinates "${coords.name}" [.,.,2] and integer labels "${labels.name}"`,
    });
  }
  const seqOut = outputs.some((s) => isFloat(s) && rank(s) === 3);
  if (float3.length >= 2 && !coords && seqOut) {
    found.push({
      module: 'memory_attention',
      reason: `${float3.length} sequence-first float inputs and a rank-3 output`,
    });
  }
  const maskIn = float4.find((s) => s.dims?.[1] === 1);
  if (float4.length === 2 && maskIn && !coords) {
    found.push({ module: 'memory_encoder', reason: `a feature map and a one-channel mask input "${maskIn.name}"` });
  }
  return found;
}

const NAME_HINTS: Record<ModuleKind, RegExp> = {
  image_encoder: /image|pixel|frame/i,
  memory_attention: /memory|mem|curr/i,
  mask_decoder: /point|mask|label|prompt/i,
  memory_encoder: /mask_for_mem|pix_feat|maskmem/i,
};

/** Recognises the module, or says why it cannot. */
export function recognizeModule(model: ModelProto): Recognition {
  let found = candidates(model);
  if (found.length > 1) {
    const names = [...graphInputs(model), ...(model.graph?.output ?? []).map(signatureOfValue)].map((s) => s.name);
    const hinted = found.filter((r) => names.some((n) => NAME_HINTS[r.module].test(n)));
    if (hinted.length === 1) found = hinted;
  }
  if (found.length === 1) return found[0]!;
  const inputs = graphInputs(model)
    .map((s) => `${s.name}${JSON.stringify(s.declared ?? '?')}`)
    .join(', ');
  throw new ToolkitError(
    'MODULE_UNKNOWN',
    found.length
      ? `cannot tell the module: the signature fits ${found.map((f) => f.module).join(' and ')} (inputs ${inputs})`
      : `cannot tell the module from the signature (inputs ${inputs})`,
    { remedy: `Name it with --module (${MODULES.join(', ')}).` },
  );
}

/** Checks that a model named as `module` has a signature that fits it. */
export function assertModule(model: ModelProto, module: ModuleKind): void {
  const fits = candidates(model).map((c) => c.module);
  if (!fits.includes(module)) {
    throw new ToolkitError(
      'MODULE_MISMATCH',
      `the model does not look like ${module}${fits.length ? ` (its signature fits ${fits.join(', ')})` : ''}`,
      { remedy: 'Pass the right module file or the right --module name.' },
    );
  }
}
