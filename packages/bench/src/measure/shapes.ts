import { UsageError } from '@tamkit/common';
import type { TensorInfo } from '../stacks/types.js';

/** The four EfficientTAM / SAM 2 modules, recognised from input shapes so that defaults can be realistic. */
export type ModuleKind = 'image_encoder' | 'memory_attention' | 'mask_decoder' | 'memory_encoder';

/** Full memory bank of the tracker: 7 frames of 32x32 tokens and 16 object pointers of 4 tokens each. */
export const FULL_MEMORY_BANK = { frames: 7, pointers: 16, tokensPerPointer: 4 } as const;
/** Default point prompt: one box = two points. */
export const DEFAULT_PROMPT_POINTS = 2;

export interface ResolvedShapes {
  /** Concrete shape of every input. */
  shapes: Record<string, number[]>;
  module: ModuleKind | undefined;
  /** For memory_attention: the object-pointer tokens inside the memory (feeds scalar pointer-count inputs). */
  pointerTokens: number | undefined;
  /** How each dynamic dimension was chosen, for the result's notes. */
  notes: string[];
}

const isFloat = (t: TensorInfo) => t.type === 'float32' || t.type === 'float16' || t.type === 'float64';
const isInt = (t: TensorInfo) => t.type === 'int32' || t.type === 'int64';
const last = (t: TensorInfo) => t.shape.at(-1);
const isSymbolic = (d: number | string | undefined) => typeof d === 'string';

/** The current frame's features as a sequence, [tokens, 1, width] with every dim fixed (e.g. [1024, 1, 256]). */
function frameSequence(inputs: readonly TensorInfo[]): TensorInfo | undefined {
  return inputs.find(
    (t) =>
      isFloat(t) &&
      t.shape.length === 3 &&
      t.shape.every((d) => typeof d === 'number') &&
      t.shape[1] === 1 &&
      (t.shape[0] as number) > 1,
  );
}

/** Memory inputs: rank 3 with a dynamic token axis ([N, 1, C] or [1, N, C]) or a 5-D spatial memory [1, F, C, H, W]. */
function isMemoryLike(t: TensorInfo): boolean {
  if (!isFloat(t)) return false;
  if (t.shape.length === 3) return isSymbolic(t.shape[0]) || (t.shape[0] === 1 && isSymbolic(t.shape[1]));
  return t.shape.length === 5 && isSymbolic(t.shape[1]);
}

/**
 * Recognises a module by the rank/shape pattern of its inputs, never by one exporter's names or widths:
 * mask_decoder has point coordinates [.., .., 2] and integer labels; memory_attention has the current frame as a
 * fixed sequence [T, 1, C] and memory with a dynamic token (or frame) axis; memory_encoder a feature map and a
 * 1-channel mask; image_encoder one 3-channel image.
 */
export function recogniseModule(inputs: readonly TensorInfo[]): ModuleKind | undefined {
  const floats = inputs.filter(isFloat);
  const maps = floats.filter((t) => t.shape.length === 4);
  const coords = floats.some((t) => t.shape.length === 3 && last(t) === 2);
  if (coords && inputs.some((t) => isInt(t) && t.shape.length === 2)) return 'mask_decoder';
  if (frameSequence(inputs) !== undefined && floats.some(isMemoryLike)) return 'memory_attention';
  if (maps.length === 2 && maps.some((t) => t.shape[1] === 1) && maps.some((t) => t.shape[1] !== 1)) {
    return 'memory_encoder';
  }
  if (floats.length === 1 && maps.length === 1 && maps[0]!.shape[1] === 3) return 'image_encoder';
  return undefined;
}

/** Parses `--shape name:d0xd1x...` specs (a scalar is `name:`). Throws a usage error quoting the bad spec. */
export function parseShapeSpecs(specs: readonly string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const spec of specs) {
    const colon = spec.lastIndexOf(':');
    const name = spec.slice(0, colon);
    const dims =
      colon < 0
        ? []
        : spec
            .slice(colon + 1)
            .split('x')
            .filter((d) => d !== '');
    if (colon <= 0 || dims.some((d) => !/^\d+$/.test(d))) {
      throw new UsageError(
        `--shape ${spec}: expected NAME:D0xD1x... with non-negative integer dims`,
        'Example: --shape memory:7232x1x64',
      );
    }
    shapes[name] = dims.map(Number);
  }
  return shapes;
}

/**
 * Chooses a concrete shape for every input. User shapes win (checked against the declared rank and fixed
 * dims); otherwise dynamic dims get defaults that match a real tracking step when the module is recognised
 * (a full memory bank: 7*1024 + 16*4 tokens; a box prompt: 2 points), and 1 elsewhere. A symbolic dim name
 * shared by several inputs gets one value.
 */
export function resolveInputShapes(
  inputs: readonly TensorInfo[],
  userShapes: Record<string, number[]> = {},
): ResolvedShapes {
  const module = recogniseModule(inputs);
  const notes: string[] = [];
  const byDimName = new Map<string, number>();
  const shapes: Record<string, number[]> = {};
  // Tokens per memory frame = the length of the current-frame sequence ([1024, 1, C] at 512 px).
  const sequence = frameSequence(inputs);
  const tokensPerFrame = (sequence?.shape[0] as number | undefined) ?? 1024;
  const width = sequence === undefined ? undefined : last(sequence);
  const memoryTokens =
    FULL_MEMORY_BANK.frames * tokensPerFrame + FULL_MEMORY_BANK.pointers * FULL_MEMORY_BANK.tokensPerPointer;
  let pointerTokens: number | undefined;

  for (const input of inputs) {
    const user = userShapes[input.name];
    if (user !== undefined) {
      checkUserShape(input, user);
      shapes[input.name] = [...user];
      user.forEach((d, axis) => {
        const dim = input.shape[axis];
        if (typeof dim === 'string') byDimName.set(dim, d);
      });
      continue;
    }
    shapes[input.name] = input.shape.map((dim, axis) => {
      if (typeof dim === 'number') return dim;
      const known = byDimName.get(dim);
      if (known !== undefined) return known;
      const [value, why] = defaultDim(module, input, axis, memoryTokens, width);
      byDimName.set(dim, value);
      notes.push(`${input.name}[${axis}] (${dim}) = ${value}: ${why}`);
      return value;
    });
  }
  for (const name of Object.keys(userShapes)) {
    if (!inputs.some((i) => i.name === name)) {
      throw new UsageError(
        `--shape names "${name}", which is not an input of the model`,
        `Inputs: ${inputs.map((i) => i.name).join(', ')}.`,
      );
    }
  }
  if (module === 'memory_attention') {
    // Pointer tokens sit after whole frames in a sequence-first memory: tokens mod tokens-per-frame.
    const memory = inputs.find((t) => isMemoryLike(t) && t.shape.length === 3 && last(t) !== width);
    const axis = memory?.shape[0] === 1 ? 1 : 0;
    const tokens = memory === undefined ? undefined : shapes[memory.name]?.[axis];
    pointerTokens = tokens === undefined ? undefined : tokens % tokensPerFrame;
  }
  return { shapes, module, pointerTokens, notes };
}

function defaultDim(
  module: ModuleKind | undefined,
  input: TensorInfo,
  axis: number,
  memoryTokens: number,
  width: number | string | undefined,
): [number, string] {
  const rank = input.shape.length;
  if (module === 'memory_attention' && isMemoryLike(input)) {
    if (rank === 5) return [FULL_MEMORY_BANK.frames, 'full memory bank: 7 frames'];
    // Batch-first [1, P, C] at the features' width holds object pointers (one token each).
    if (input.shape[0] === 1 && last(input) === width)
      return [FULL_MEMORY_BANK.pointers, 'full memory bank: 16 object pointers'];
    return [memoryTokens, 'full memory bank (7 frames x tokens per frame + 16 pointers x 4 tokens)'];
  }
  if (module === 'mask_decoder' && axis === 1 && (rank === 2 || (rank === 3 && last(input) === 2))) {
    return [DEFAULT_PROMPT_POINTS, 'box prompt: 2 points'];
  }
  return [1, 'dynamic dimension without a known meaning'];
}

function checkUserShape(input: TensorInfo, dims: readonly number[]): void {
  const fits =
    dims.length === input.shape.length && input.shape.every((d, i) => typeof d !== 'number' || d === dims[i]);
  if (!fits) {
    throw new UsageError(
      `--shape ${input.name}:${dims.join('x')} does not fit the declared shape [${input.shape.join(',')}]`,
      'Give one value per axis and keep the fixed dimensions.',
    );
  }
}

/**
 * `--shape` specs apply across a directory of modules: each one applies to the inputs of that name that have a
 * dynamic dimension (a module where that name is fully static keeps its own shape).
 */
export function applicableUserShapes(
  inputs: readonly TensorInfo[],
  shapes: Record<string, number[]>,
): Record<string, number[]> {
  const applicable: Record<string, number[]> = {};
  for (const input of inputs) {
    const dims = shapes[input.name];
    if (dims !== undefined && input.shape.some((d) => typeof d === 'string')) applicable[input.name] = dims;
  }
  return applicable;
}
