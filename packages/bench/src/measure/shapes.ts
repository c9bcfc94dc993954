import { UsageError } from '@tamkit/graph-surgery';
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

/**
 * Recognises a module by the rank/shape pattern of its inputs (names only as a hint), never by one exporter's
 * names: memory_attention has sequence features of width 256 and memory of width 64 (or a 5-D spatial memory);
 * mask_decoder has point coordinates [.., .., 2] and integer labels; memory_encoder a 256-channel map and a
 * 1-channel mask; image_encoder one 3-channel image.
 */
export function recogniseModule(inputs: readonly TensorInfo[]): ModuleKind | undefined {
  const floats = inputs.filter(isFloat);
  const rank = (n: number) => floats.filter((t) => t.shape.length === n);
  const memoryLike = rank(3).some((t) => last(t) === 64) || rank(5).some((t) => t.shape[2] === 64);
  if (memoryLike && rank(3).some((t) => last(t) === 256)) return 'memory_attention';
  if (rank(3).some((t) => last(t) === 2) && inputs.some((t) => isInt(t) && t.shape.length === 2)) return 'mask_decoder';
  const maps = rank(4);
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
  // Tokens per memory frame = the length of the current-frame sequence ([1024, 1, 256] at 512 px).
  const sequence = inputs.find(
    (t) => isFloat(t) && t.shape.length === 3 && last(t) === 256 && typeof t.shape[0] === 'number',
  );
  const tokensPerFrame = typeof sequence?.shape[0] === 'number' && sequence.shape[0] > 1 ? sequence.shape[0] : 1024;
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
      const [value, why] = defaultDim(module, input, axis, memoryTokens);
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
    const memory = inputs.find((t) => isFloat(t) && t.shape.length === 3 && last(t) === 64);
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
): [number, string] {
  const rank = input.shape.length;
  if (module === 'memory_attention' && isFloat(input)) {
    if (rank === 3 && last(input) === 64 && axis <= 1) {
      return [memoryTokens, 'full memory bank (7 frames x tokens per frame + 16 pointers x 4 tokens)'];
    }
    if (rank === 5 && axis === 1) return [FULL_MEMORY_BANK.frames, 'full memory bank: 7 frames'];
    if (rank === 3 && last(input) === 256 && axis === 1 && input.shape[0] === 1) {
      return [FULL_MEMORY_BANK.pointers, 'full memory bank: 16 object pointers'];
    }
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
