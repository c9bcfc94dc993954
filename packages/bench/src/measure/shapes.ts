import { UsageError } from '@tamkit/common';
import {
  currentFrameSequence,
  isMemoryLike,
  recognizeModuleSignature,
  type TrackerModule,
} from '@tamkit/graph-surgery';
import type { TensorInfo } from '../stacks/types.js';

/** Full memory bank of the tracker: 7 frames of 32x32 tokens and 16 object pointers of 4 tokens each. */
export const FULL_MEMORY_BANK = { frames: 7, pointers: 16, tokensPerPointer: 4 } as const;
/** Default point prompt: one box = two points. */
export const DEFAULT_PROMPT_POINTS = 2;

export interface ResolvedShapes {
  /** Concrete shape of every input. */
  shapes: Record<string, number[]>;
  /** The module the input signature is (graph-surgery's recognition rule), when it is one. */
  module: TrackerModule | undefined;
  /** For memory_attention: the object-pointer tokens inside the memory (feeds scalar pointer-count inputs). */
  pointerTokens: number | undefined;
  /** How each dynamic dimension was chosen, for the result's notes. */
  notes: string[];
}

const last = (t: TensorInfo) => t.shape.at(-1);

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
  const module = recognizeModuleSignature({ inputs })?.module;
  const notes: string[] = [];
  const byDimName = new Map<string, number>();
  const shapes: Record<string, number[]> = {};
  // Tokens per memory frame = the length of the current-frame sequence ([1024, 1, C] at 512 px).
  const sequence = currentFrameSequence(inputs);
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
  module: TrackerModule | undefined,
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
