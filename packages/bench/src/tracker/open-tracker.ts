import type { ShapeVariant } from '../stacks/shape-variant.js';
import { moduleFiles } from './module-files.js';
import { closeModules, openModules } from './open-modules.js';
import type { ModuleStacks } from './stack-spec.js';
import { createTracker, type Tracker, type TrackerOptions } from './tracker.js';
import { readTrackerParams } from './tracker-params.js';

/** Options of `openTracker`. */
export interface OpenTrackerOptions {
  /** Folder holding the four `<module>.onnx` files (and optionally `tracker-params.json`). */
  models: string;
  /** Stack per module (`parseStackSpec('ort-cpu')` for all on one stack). */
  stacks: ModuleStacks;
  /** Intra-op threads of the ONNX Runtime stacks. Default: ONNX Runtime's choice. */
  threads?: number;
  /** Shape variant of the modules (`OpenModulesOptions.shapeVariant`). Default `original`. */
  shapes?: ShapeVariant;
  tracker?: TrackerOptions;
}

/** A tracker with its own sessions; `close()` releases them. */
export interface OpenedTracker {
  tracker: Tracker;
  close(): Promise<void>;
}

/**
 * Loads the four modules on their stacks and the tracker parameters, and returns a tracker to reuse across
 * sequences (each `init()` starts a new sequence with an empty memory bank). This is what eval's sequence
 * runner wraps: init(frame0, box) / track(frame) -> box.
 */
export async function openTracker(options: OpenTrackerOptions): Promise<OpenedTracker> {
  const params = await readTrackerParams(options.models);
  const runners = await openModules(await moduleFiles(options.models), options.stacks, {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    deviceOutputs: options.tracker?.keepOnDevice ?? false,
    // openModules' defaults: on ort-cpu spinning within a run, stopped when it returns; GPU stacks one thread.
    ...(options.shapes === undefined ? {} : { shapeVariant: options.shapes }),
    ...(params === undefined ? {} : { bank: params }),
  });
  try {
    const tracker = createTracker({
      modules: runners,
      ...(params === undefined ? {} : { params }),
      ...(options.tracker === undefined ? {} : { options: options.tracker }),
    });
    return {
      tracker,
      close: async () => {
        await tracker.dispose();
        await closeModules(runners);
      },
    };
  } catch (error) {
    await closeModules(runners);
    throw error;
  }
}
