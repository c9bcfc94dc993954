import { ToolkitError } from '@tamkit/common';
import type { ElementType, TensorInfo } from '../stacks/types.js';
import type { ModuleRunners, TrackerModule } from './module-runner.js';

/** A role the tracking loop needs filled by one of a module's inputs or outputs. */
interface RoleSpec {
  role: string;
  /** Accepted rank(s). */
  rank: number | readonly number[];
  types: readonly ElementType[];
  /** Name hint, used only to break ties between tensors of the same rank and type. */
  hint: RegExp;
  /** Extra shape test on declared dims (symbolic dims always pass). */
  accepts?: (shape: readonly (number | string)[]) => boolean;
}

const FLOAT: readonly ElementType[] = ['float32'];
const INTS: readonly ElementType[] = ['int64', 'int32'];
const dimIs = (value: number | string | undefined, n: number) => typeof value !== 'number' || value === n;

const INPUT_ROLES = {
  image_encoder: [{ role: 'image', rank: 4, types: FLOAT, hint: /image|pixel|input/i, accepts: (s) => dimIs(s[1], 3) }],
  memory_attention: [
    // Rank 4: [1, C, H, W], a model baked by bakeFeatureLayout (the loop then transposes nothing).
    { role: 'currPos', rank: [3, 4], types: FLOAT, hint: /curr.*pos|pos.*curr|vision_pos|feat.*pos/i },
    { role: 'curr', rank: [3, 4], types: FLOAT, hint: /^curr$|curr|vision_feat|pix_feat/i },
    { role: 'memoryPos', rank: 3, types: FLOAT, hint: /mem.*pos|pos.*mem/i },
    { role: 'memory', rank: 3, types: FLOAT, hint: /^memory$|mem/i },
    { role: 'numObjPtrTokens', rank: 0, types: INTS, hint: /ptr|obj/i },
  ],
  mask_decoder: [
    { role: 'imageEmbed', rank: 4, types: FLOAT, hint: /embed|feat/i },
    { role: 'pointCoords', rank: 3, types: FLOAT, hint: /coord|point/i, accepts: (s) => dimIs(s[2], 2) },
    { role: 'pointLabels', rank: 2, types: INTS, hint: /label/i },
  ],
  memory_encoder: [
    { role: 'mask', rank: 4, types: FLOAT, hint: /mask/i, accepts: (s) => dimIs(s[1], 1) },
    { role: 'pixFeat', rank: 4, types: FLOAT, hint: /feat|pix/i },
  ],
} satisfies Record<TrackerModule, RoleSpec[]>;

const OUTPUT_ROLES = {
  image_encoder: [
    { role: 'pos', rank: 4, types: FLOAT, hint: /pos/i },
    { role: 'features', rank: 4, types: FLOAT, hint: /feat|embed/i },
  ],
  memory_attention: [{ role: 'features', rank: [3, 4], types: FLOAT, hint: /feat|mem|out/i }],
  mask_decoder: [
    { role: 'masks', rank: 4, types: FLOAT, hint: /mask/i },
    {
      role: 'objectScore',
      rank: 2,
      types: FLOAT,
      hint: /score|object_score|obj.*logit/i,
      accepts: (s) => dimIs(s[1], 1),
    },
    { role: 'iou', rank: 2, types: FLOAT, hint: /iou/i },
    { role: 'objPtr', rank: 2, types: FLOAT, hint: /ptr|pointer/i },
  ],
  memory_encoder: [
    { role: 'pos', rank: 4, types: FLOAT, hint: /pos/i },
    { role: 'features', rank: 4, types: FLOAT, hint: /feat|mem/i },
  ],
} satisfies Record<TrackerModule, RoleSpec[]>;

/** The input and output names the loop uses, per module, taken from each model's declared I/O. */
export interface ModuleIoNames {
  image_encoder: {
    inputs: { image: string };
    outputs: { features: string; pos: string };
    /** The image input takes uint8 HWC frames (preprocessing baked into the graph). */
    rawFrames: boolean;
  };
  memory_attention: {
    inputs: { curr: string; currPos: string; memory: string; memoryPos: string; numObjPtrTokens: string };
    outputs: { features: string };
  };
  mask_decoder: {
    inputs: { imageEmbed: string; pointCoords: string; pointLabels: string };
    outputs: { masks: string; iou: string; objPtr: string; objectScore: string };
  };
  memory_encoder: { inputs: { pixFeat: string; mask: string }; outputs: { features: string; pos: string } };
}

/**
 * Assigns tensors to roles: candidates are those of the right rank, type and declared shape; a role whose name
 * hint matches exactly one candidate takes it first, the rest take the remaining candidates in declared order.
 */
export function assignRoles(
  module: string,
  side: 'input' | 'output',
  infos: readonly TensorInfo[],
  specs: readonly RoleSpec[],
): Record<string, string> {
  const taken = new Set<string>();
  const result: Record<string, string> = {};
  const candidates = (spec: RoleSpec) =>
    infos.filter(
      (i) =>
        !taken.has(i.name) &&
        (typeof spec.rank === 'number' ? [spec.rank] : spec.rank).includes(i.shape.length) &&
        spec.types.includes(i.type) &&
        (spec.accepts?.(i.shape) ?? true),
    );
  for (const spec of specs) {
    const hinted = candidates(spec).filter((i) => spec.hint.test(i.name));
    if (hinted.length === 1) {
      result[spec.role] = hinted[0]!.name;
      taken.add(hinted[0]!.name);
    }
  }
  for (const spec of specs) {
    if (result[spec.role] !== undefined) continue;
    const first = candidates(spec)[0];
    if (first === undefined) {
      const declared = infos.map((i) => `${i.name} ${i.type}[${i.shape.join(',')}]`).join(', ') || 'none';
      throw new ToolkitError(
        'PIPELINE_MODEL_IO',
        `${module}: no ${side} fits the role "${spec.role}" (rank ${typeof spec.rank === 'number' ? spec.rank : spec.rank.join(' or ')}, ${spec.types.join('|')}). Note: the model declares ${side}s ${declared}`,
        { remedy: `Check that the file given as ${module} is that module of an EfficientTAM / SAM 2 export.` },
      );
    }
    result[spec.role] = first.name;
    taken.add(first.name);
  }
  return result;
}

/** Resolves every module's I/O names from the active runners. Throws PIPELINE_MODEL_IO naming what is missing. */
export function resolveModuleIo(runners: ModuleRunners): ModuleIoNames {
  const encoderInputs = runners.image_encoder.inputs;
  const raw = encoderInputs.find((i) => i.type === 'uint8' && i.shape.length === 3);
  const bind = <M extends TrackerModule>(m: M) => ({
    inputs: assignRoles(m, 'input', runners[m].inputs, INPUT_ROLES[m]),
    outputs: assignRoles(m, 'output', runners[m].outputs, OUTPUT_ROLES[m]),
  });
  return {
    image_encoder: raw
      ? {
          inputs: { image: raw.name },
          outputs: assignRoles('image_encoder', 'output', runners.image_encoder.outputs, OUTPUT_ROLES.image_encoder),
          rawFrames: true,
        }
      : { ...bind('image_encoder'), rawFrames: false },
    memory_attention: bind('memory_attention'),
    mask_decoder: bind('mask_decoder'),
    memory_encoder: bind('memory_encoder'),
  } as ModuleIoNames;
}
