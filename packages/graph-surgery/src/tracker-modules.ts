/**
 * The tracker's modules, the one place that lists them and the one rule that recognises them. An EfficientTAM /
 * SAM 2 export is four ONNX files; which file is which module follows from its input signature (ranks, channel
 * counts, element types), never from one exporter's names: names only break a tie the signature leaves open.
 * Every package asks here: graph-surgery's bakes, bench's input generation and module folders, eval's fidelity.
 */
import { DataType, type ModelProto, type ValueInfoProto } from './onnx/types.js';

/** The four ONNX modules of an EfficientTAM / SAM 2 export, in pipeline order. */
export const TRACKER_MODULES = ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder'] as const;
export type TrackerModule = (typeof TRACKER_MODULES)[number];

export function isTrackerModule(name: string): name is TrackerModule {
  return (TRACKER_MODULES as readonly string[]).includes(name);
}

/**
 * A declared model input or output as recognition reads it: the element type in ONNX Runtime's names
 * (`float32`, `float16`, `int64`, `uint8`, ...), dims as numbers when fixed and strings when symbolic.
 */
export interface DeclaredTensor {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

/** A model's declared I/O (bench's `readModelSignature` gives the same shape). */
export interface ModuleSignature {
  inputs: readonly DeclaredTensor[];
  outputs?: readonly DeclaredTensor[];
}

/** A module the signature allows, with the features that decided it. */
export interface Recognition {
  module: TrackerModule;
  reason: string;
}

const FLOAT_TYPES: ReadonlySet<string> = new Set(['float32', 'float16', 'float64', 'bfloat16']);
const INT_TYPES: ReadonlySet<string> = new Set(['int32', 'int64']);
const isFloat = (t: DeclaredTensor) => FLOAT_TYPES.has(t.type);
const isInt = (t: DeclaredTensor) => INT_TYPES.has(t.type);
const rank = (t: DeclaredTensor) => t.shape.length;

/** memory_attention's current-frame features: a fixed sequence `[T, 1, C]` (T > 1), e.g. `[1024, 1, 256]`. */
export function currentFrameSequence<T extends DeclaredTensor>(inputs: readonly T[]): T | undefined {
  return inputs.find(
    (t) =>
      isFloat(t) &&
      rank(t) === 3 &&
      t.shape.every((d) => typeof d === 'number') &&
      t.shape[1] === 1 &&
      (t.shape[0] as number) > 1,
  );
}

/** A memory input: rank 3 with a dynamic token axis (`[N, 1, C]` or `[1, N, C]`) or 5-D spatial `[1, F, C, H, W]`. */
export function isMemoryLike(t: DeclaredTensor): boolean {
  if (!isFloat(t)) return false;
  const symbolic = (d: number | string | undefined) => typeof d === 'string';
  if (rank(t) === 3) return symbolic(t.shape[0]) || (t.shape[0] === 1 && symbolic(t.shape[1]));
  return rank(t) === 5 && symbolic(t.shape[1]);
}

/**
 * Every module the input signature allows:
 * - image_encoder: one float input, `[N, 3, H, W]`, or a uint8 frame (preprocessing baked in);
 * - mask_decoder: point coordinates `[., ., 2]`, integer labels of rank 2 and an image embedding of rank 4;
 * - memory_attention: no point coordinates, and two sequence-first float inputs, or the current frame as a fixed
 *   sequence `[T, 1, C]` beside a memory input with a dynamic token (or frame) axis;
 * - memory_encoder: exactly two float maps of rank 4, one of them a one-channel mask.
 */
export function moduleCandidates(signature: ModuleSignature): Recognition[] {
  const inputs = signature.inputs;
  const floats = inputs.filter(isFloat);
  const maps = floats.filter((t) => rank(t) === 4);
  const sequences = floats.filter((t) => rank(t) === 3);
  const coords = sequences.find((t) => t.shape[2] === 2);
  const found: Recognition[] = [];
  const image = maps.find((t) => t.shape[1] === 3);
  const frame = inputs.find((t) => t.type === 'uint8' && (rank(t) === 3 || rank(t) === 4));
  if ((image && floats.length === 1) || frame) {
    found.push({
      module: 'image_encoder',
      reason:
        image && floats.length === 1
          ? `one RGB NCHW float input "${image.name}"`
          : `a uint8 frame input "${frame!.name}"`,
    });
  }
  const labels = inputs.find((t) => isInt(t) && rank(t) === 2);
  if (coords && labels && maps.length >= 1) {
    found.push({
      module: 'mask_decoder',
      reason: `point coordinates "${coords.name}" [.,.,2] and integer labels "${labels.name}"`,
    });
  }
  const current = currentFrameSequence(inputs);
  if (!coords && (sequences.length >= 2 || (current && floats.some(isMemoryLike)))) {
    found.push({
      module: 'memory_attention',
      reason:
        sequences.length >= 2
          ? `${sequences.length} sequence-first float inputs`
          : `the current frame "${current!.name}" as a fixed sequence and a memory input with a dynamic axis`,
    });
  }
  const mask = maps.find((t) => t.shape[1] === 1);
  if (!coords && maps.length === 2 && mask && maps.some((t) => t.shape[1] !== 1)) {
    found.push({ module: 'memory_encoder', reason: `a feature map and a one-channel mask input "${mask.name}"` });
  }
  return found;
}

/** Names that break a tie between modules the signature allows (never decisive on their own). */
const NAME_HINTS: Record<TrackerModule, RegExp> = {
  image_encoder: /image|pixel|frame/i,
  memory_attention: /memory|mem|curr/i,
  mask_decoder: /point|mask|label|prompt/i,
  memory_encoder: /mask_for_mem|pix_feat|maskmem/i,
};

/**
 * The module a signature is, with the reason, or `undefined` when it fits none or stays ambiguous (the
 * candidates are then in `moduleCandidates`). A tie is broken by names only when exactly one candidate's hint
 * matches an input or output name.
 */
export function recognizeModuleSignature(signature: ModuleSignature): Recognition | undefined {
  const found = moduleCandidates(signature);
  if (found.length <= 1) return found[0];
  const names = [...signature.inputs, ...(signature.outputs ?? [])].map((t) => t.name);
  const hinted = found.filter((r) => names.some((n) => NAME_HINTS[r.module].test(n)));
  return hinted.length === 1 ? hinted[0] : undefined;
}

/**
 * memory_attention's pointer count: the number of object-pointer tokens at the end of the memory, an integer
 * scalar input (`num_obj_ptr_tokens` in one export, anything in another): recognised by that signature alone.
 */
export function isPointerCountInput(module: TrackerModule | undefined, tensor: DeclaredTensor): boolean {
  return module === 'memory_attention' && isInt(tensor) && rank(tensor) === 0;
}

const ORT_TYPE_NAMES: Partial<Record<number, string>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.BFLOAT16]: 'bfloat16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.BOOL]: 'bool',
};

function declaredTensor(v: ValueInfoProto): DeclaredTensor {
  const t = v.type?.tensorType;
  return {
    name: v.name ?? '',
    type: ORT_TYPE_NAMES[t?.elemType ?? 0] ?? 'other',
    shape: (t?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && Number(d.dimValue) > 0 ? Number(d.dimValue) : (d.dimParam ?? '?'),
    ),
  };
}

/** A model's declared signature: its graph inputs that are not initializers, and its outputs. */
export function signatureOfModel(model: ModelProto): Required<ModuleSignature> {
  const g = model.graph;
  const stored = new Set(g?.initializer.map((t) => t.name));
  return {
    inputs: (g?.input ?? []).filter((v) => !stored.has(v.name)).map(declaredTensor),
    outputs: (g?.output ?? []).map(declaredTensor),
  };
}
