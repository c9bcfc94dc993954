/**
 * Shape variants of a model: how a stack runs a model whose inputs have symbolic dims, for the shapes one run
 * uses. `original` runs the model as exported; `pinned` fixes the symbolic dims through ONNX Runtime's session
 * option `freeDimensionOverrides` (the graph and its shape arithmetic stay; ORT's own shape inference and
 * planning see fixed dims); `static` runs graph-surgery's `specializeModel` on it (shapes and integer inputs
 * bound, every node they decide folded away).
 */
import type { Feeds, TensorInfo } from './types.js';

export const SHAPE_VARIANTS = ['original', 'pinned', 'static'] as const;
export type ShapeVariant = (typeof SHAPE_VARIANTS)[number];

export function isShapeVariant(value: string): value is ShapeVariant {
  return (SHAPE_VARIANTS as readonly string[]).includes(value);
}

/** The shapes (by input name) and integer-input values one specialisation binds. */
export interface ShapeBinding {
  shapes: Record<string, number[]>;
  values: Record<string, number>;
}

const INTEGER_TYPES: ReadonlySet<string> = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'uint32']);

/** Whether an input is a scalar integer (rank 0 or [1]): its value can be bound, as `num_obj_ptr_tokens`. */
export function isIntegerScalar(info: TensorInfo): boolean {
  return INTEGER_TYPES.has(info.type) && (info.shape.length === 0 || (info.shape.length === 1 && info.shape[0] === 1));
}

/**
 * What a run with these feeds binds: the shape of every input with a symbolic dim, and the value of every
 * integer scalar input. Feeds must be host tensors for the values (integer scalars always are in this project).
 */
export function bindingFromFeeds(inputs: readonly TensorInfo[], feeds: Feeds): ShapeBinding {
  const binding: ShapeBinding = { shapes: {}, values: {} };
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (feed === undefined) continue;
    if (isIntegerScalar(info) && feed.location === 'cpu') {
      binding.values[info.name] = Number((feed.data as ArrayLike<number | bigint>)[0]);
    } else if (info.shape.some((d) => typeof d === 'string')) {
      binding.shapes[info.name] = [...feed.dims];
    }
  }
  return binding;
}

/** Whether feeds have exactly the shapes and values a binding fixes. */
export function feedsMatch(binding: ShapeBinding, feeds: Feeds): boolean {
  for (const [name, dims] of Object.entries(binding.shapes)) {
    const feed = feeds[name];
    if (feed === undefined || feed.dims.length !== dims.length || feed.dims.some((d, i) => d !== dims[i])) return false;
  }
  for (const [name, value] of Object.entries(binding.values)) {
    const feed = feeds[name];
    if (feed === undefined || feed.location !== 'cpu') return false;
    if (Number((feed.data as ArrayLike<number | bigint>)[0]) !== value) return false;
  }
  return true;
}

/** `memory=7232x1x64, num_obj_ptr_tokens=64`: a binding in one line (keys of the specialisation cache too). */
export function describeBinding(binding: ShapeBinding): string {
  return [
    ...Object.entries(binding.shapes).map(([n, d]) => `${n}=${d.join('x')}`),
    ...Object.entries(binding.values).map(([n, v]) => `${n}=${v}`),
  ].join(', ');
}

/**
 * `freeDimensionOverrides` for a binding: each symbolic dim name with its bound size. Dims without a name
 * cannot be pinned: they are returned in `unnamed` (the session keeps them dynamic).
 */
export function dimOverrides(
  inputs: readonly TensorInfo[],
  binding: ShapeBinding,
): { overrides: Record<string, number>; unnamed: string[] } {
  const overrides: Record<string, number> = {};
  const unnamed: string[] = [];
  for (const info of inputs) {
    const dims = binding.shapes[info.name];
    if (dims === undefined) continue;
    info.shape.forEach((d, axis) => {
      if (typeof d !== 'string') return;
      // onnxruntime-node reports an unnamed dynamic dim as an empty string (or a '?' placeholder).
      if (d === '' || d === '?') unnamed.push(`${info.name}[${axis}]`);
      else overrides[d] = dims[axis]!;
    });
  }
  return { overrides, unnamed };
}

/** The runner settings that run a model as `variant` for one binding (empty for `original`). */
export function variantSettings(
  variant: ShapeVariant,
  inputs: readonly TensorInfo[],
  binding: ShapeBinding,
): { specialize?: ShapeBinding; freeDimensionOverrides?: Record<string, number> } {
  if (variant === 'static') return { specialize: binding };
  if (variant === 'pinned') {
    const { overrides } = dimOverrides(inputs, binding);
    return Object.keys(overrides).length === 0 ? {} : { freeDimensionOverrides: overrides };
  }
  return {};
}
