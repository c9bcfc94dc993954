import { decodeImage } from '../preprocess/decode.js';
import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from './mask-box.js';
import { type OpenTrackerOptions, openTracker } from './open-tracker.js';
import { type ModuleStacks, parseStackSpec } from './stack-spec.js';
import type { TrackResult } from './tracker.js';

/** A frame as eval hands it over: its index in the sequence and its image file. */
export interface SequenceFrame {
  index: number;
  path: string;
}

/** What the adapter reports per frame (eval's TrackerOutput shape). */
export interface SequenceOutput {
  box: Box;
  /** The object-score logit of the frame. */
  score: number;
}

/** Options of `createSequenceTracker`: `stack` is a `--stack` spec (`ort-cpu`, `ort-webgpu,mask_decoder=ort-cpu`). */
export interface SequenceTrackerOptions extends Omit<OpenTrackerOptions, 'stacks'> {
  stack: string | ModuleStacks;
}

/**
 * The tracking loop behind eval's `SequenceTracker` contract: init / track on image files, dispose at the end.
 * `next` (optional) names the frame the following call will get: its decode starts now, beside this frame's
 * inference.
 */
export interface SequenceTrackerAdapter {
  init(frame: SequenceFrame, box: Box, next?: SequenceFrame): Promise<SequenceOutput>;
  track(frame: SequenceFrame, next?: SequenceFrame): Promise<SequenceOutput>;
  dispose(): Promise<void>;
}

/**
 * Opens the tracker of a models folder for eval's sequence runner (its `TrackerFactory`). Frames are decoded with
 * sharp at their own size, the next one (when named) while this one is tracked. Boxes pass through as given and
 * come back in the tracking loop's convention ([xmin, ymin, xmax - xmin, ymax - ymin] in pixels), as SAMURAI's
 * LaSOT runs do: no 1-based offset is applied.
 */
export async function createSequenceTracker(options: SequenceTrackerOptions): Promise<SequenceTrackerAdapter> {
  const { stack, ...rest } = options;
  const { tracker, close } = await openTracker({
    ...rest,
    stacks: typeof stack === 'string' ? parseStackSpec(stack) : stack,
  });
  const output = (r: TrackResult): SequenceOutput => ({ box: r.box, score: r.objectScore });
  // Decoding runs on sharp's threads, so a decode started before inference finishes beside it.
  let ahead: { path: string; image: Promise<RawImage> } | undefined;
  const take = (frame: SequenceFrame, next: SequenceFrame | undefined): Promise<RawImage> => {
    const image = ahead?.path === frame.path ? ahead.image : decodeImage(frame.path);
    ahead = next ? { path: next.path, image: decodeImage(next.path) } : undefined;
    // A failed read surfaces when that frame is tracked, not as an unhandled rejection now.
    ahead?.image.catch(() => undefined);
    return image;
  };
  return {
    init: async (frame, box, next) => output(await tracker.init(await take(frame, next), box)),
    track: async (frame, next) => output(await tracker.track(await take(frame, next))),
    dispose: async () => {
      ahead = undefined;
      await close();
    },
  };
}
