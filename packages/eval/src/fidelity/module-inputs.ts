/**
 * Realistic inputs for each module: what bench's tracking loop itself feeds them, recorded through recording
 * runners while it tracks a seeded synthetic sequence on the reference stack until its memory bank is full (7
 * frames and 16 object pointers for EfficientTAM-Ti). The memory-attention input is thus the memory bank's own
 * assembly (one home), image_encoder sees a preprocessed frame, mask_decoder the memory-conditioned features, and
 * memory_encoder the previous frame's features and mask. Seeded: the same seed gives the same inputs everywhere.
 *
 * A folder without all four modules cannot run the loop: image_encoder then gets the preprocessed frame and the
 * other modules bench's seeded role-aware values, and `notes` says so.
 */
import { dirname } from 'node:path';
import {
  closeModules,
  createTracker,
  type Feeds,
  generateFeeds,
  loadOrt,
  type ModuleFiles,
  type ModuleRunner,
  type ModuleStacks,
  type OrtModule,
  openModules,
  Preprocessor,
  parseStackSpec,
  type RunnerTensor,
  readModelSignature,
  readTrackerParams,
  recordingRunner,
  resolveInputShapes,
  TRACKER_MODULES,
  type TrackerModule,
} from '@tamkit/bench';
import { syntheticFrames } from './sequence-fidelity.js';

export type { ModuleFiles } from '@tamkit/bench';

/** Options of `buildModuleInputs`. */
export interface ModuleInputsOptions {
  /** Stack (or `module=stack,...` spec) that runs the tracking loop: the reference stack, on FP32 files. */
  stack: string | ModuleStacks;
  /** Seed of the synthetic sequence and of generated values (default 0). */
  seed?: number;
  /** Frames tracked at most before recording, if the bank never stops growing (default 32). */
  maxFrames?: number;
}

/** Inputs per module, and what was approximated. */
export interface ModuleInputs {
  feeds: Partial<Record<TrackerModule, Feeds>>;
  notes: string[];
}

/** Side of the synthetic frames (the models' input size; the loop resizes other sizes anyway). */
const FRAME_SIDE = 512;

/** Builds inputs for every module given (see the file comment). */
export async function buildModuleInputs(files: ModuleFiles, options: ModuleInputsOptions): Promise<ModuleInputs> {
  const stacks = typeof options.stack === 'string' ? parseStackSpec(options.stack) : options.stack;
  const seed = options.seed ?? 0;
  if (TRACKER_MODULES.every((m) => files[m])) {
    return recordTrackerInputs(files as Record<TrackerModule, string>, stacks, seed, options.maxFrames ?? 32);
  }
  const feeds: ModuleInputs['feeds'] = {};
  const notes: string[] = [];
  for (const [module, path] of Object.entries(files) as [TrackerModule, string][]) {
    const signature = await readModelSignature(path);
    feeds[module] = await generateFeeds(signature.inputs, resolveInputShapes(signature.inputs), seed);
    if (module !== 'image_encoder') {
      notes.push(
        `${module}: seeded generated values (the tracking loop that makes real inputs needs all four modules)`,
      );
      continue;
    }
    const image = signature.inputs.find((t) => t.type === 'float32' && t.shape.length === 4 && t.shape[1] === 3);
    if (!image) {
      notes.push('image_encoder: no float [1,3,S,S] input (baked preprocessing?): generated values used for it');
      continue;
    }
    const frame = [...syntheticFrames(1, seed, FRAME_SIDE, FRAME_SIDE)][0]!;
    const preprocessor = new Preprocessor();
    const ort = await loadOrt();
    const data = Float32Array.from(preprocessor.fromRgb(frame.image));
    feeds.image_encoder = {
      [image.name]: new ort.Tensor('float32', data, [1, 3, preprocessor.size, preprocessor.size]),
    };
  }
  return { feeds, notes };
}

/** A copy of feeds whose buffers the tracker reuses (host tensors: the loop runs with host outputs here). */
function copyFeeds(ort: OrtModule, feeds: Feeds): Feeds {
  const copy = (t: RunnerTensor): RunnerTensor => new ort.Tensor(t.type, (t.data as Float32Array).slice(), [...t.dims]);
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, copy(t)]));
}

/**
 * Tracks the synthetic sequence until the bank stops growing, then one more frame whose feeds (and, for
 * memory_encoder, the feeds it took for the frame before) are the inputs.
 */
async function recordTrackerInputs(
  files: Record<TrackerModule, string>,
  stacks: ModuleStacks,
  seed: number,
  maxFrames: number,
): Promise<ModuleInputs> {
  // The recorded feeds go to the model files as they are: memory_attention in its exported layout, the memory
  // encoder's mask made on the host (no load-time edits).
  const runners = await openModules(files, stacks, { layoutInGraph: false, maskInGraph: false });
  let recording = false;
  const ort = await loadOrt();
  const recorded: Partial<Record<TrackerModule, Feeds>> = {};
  const modules = Object.fromEntries(
    TRACKER_MODULES.map((m) => [
      m,
      recordingRunner(runners[m], (feeds) => {
        if (recording) recorded[m] = copyFeeds(ort, feeds);
      }),
    ]),
  ) as Record<TrackerModule, ModuleRunner>;
  const params = await readTrackerParams(dirname(files.image_encoder));
  const tracker = createTracker({
    modules,
    ...(params === undefined ? {} : { params }),
    options: { hostWorker: false },
  });
  try {
    const frames = syntheticFrames(maxFrames + 1, seed, FRAME_SIDE, FRAME_SIDE);
    const sequence = `a ${maxFrames + 1}-frame synthetic sequence (seed ${seed}, ${FRAME_SIDE}x${FRAME_SIDE})`;
    let size = { frames: -1, pointers: -1 };
    let index = 0;
    for (const frame of frames) {
      const next = tracker.memorySize();
      const full = index > 0 && next.frames === size.frames && next.pointers === size.pointers;
      size = next;
      recording = full || index === maxFrames;
      if (index === 0) await tracker.init(frame.image, [...frame.box] as [number, number, number, number]);
      else await tracker.track(frame.image);
      if (recording) break;
      index++;
    }
    const feeds: ModuleInputs['feeds'] = {};
    for (const m of TRACKER_MODULES) if (recorded[m]) feeds[m] = recorded[m];
    const notes = [
      `inputs recorded from the tracking loop on ${[...new Set(Object.values(stacks))].join(', ')} at frame ${index} of ${sequence}: memory_attention over ${size.frames} memory frames and ${size.pointers} object pointers; memory_encoder on frame ${index - 1}`,
      ...tracker.notes.filter((n) => n.startsWith('seeded')),
    ];
    if (params === undefined) {
      notes.push(
        `no tracker-params.json next to the modules: the loop used seeded parameters (tpos, no-memory embedding)`,
      );
    }
    return { feeds, notes };
  } finally {
    await tracker.dispose();
    await closeModules(runners);
  }
}
