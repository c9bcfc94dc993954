/**
 * The one sequence-tracker contract (eval's LaSOT runs drive it; bench's tracking loop implements it): a tracker
 * that reads frames from image files, `init` on the first with the object box, `track` on each later frame in
 * order, `dispose` at the end. The box convention is an option of the implementation, not a second contract.
 */
import { decodeImage } from '../preprocess/decode.js';
import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from './mask-box.js';
import { type OpenTrackerOptions, openTracker } from './open-tracker.js';
import { type ModuleStacks, parseStackSpec } from './stack-spec.js';
import type { TrackResult } from './tracker.js';

/** A frame handed to a tracker: its position in the sequence and its image file. */
export interface TrackerFrame {
  /** 0-based frame index. */
  index: number;
  /** The image of the frame; the tracker decodes it (where it decodes is its business: CPU, GPU, ...). */
  path: string;
}

/** A binary mask, row-major, 1 byte per pixel (0 or 1). */
export interface TrackerMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What a tracker reports for one frame. */
export interface TrackerOutput {
  /** The target box `[x, y, w, h]` in the tracker's box convention; `[0, 0, 0, 0]` when the target is lost. */
  box: Readonly<Box>;
  /** The target mask, when the tracker segments. */
  mask?: TrackerMask;
  /** A confidence (e.g. the object-score logit), when the tracker has one. */
  score?: number;
}

/**
 * A single-object tracker over image files: `init` starts a new sequence from the first frame and its box
 * (dropping any previous state), `track` follows the target on each later frame in order. `next` names the frame
 * the following call will get, so the tracker may start reading and preprocessing it early.
 */
export interface SequenceTracker {
  init(frame: TrackerFrame, box: Readonly<Box>, next?: TrackerFrame): Promise<TrackerOutput | undefined>;
  track(frame: TrackerFrame, next?: TrackerFrame): Promise<TrackerOutput>;
  /** Releases sessions and buffers; called once after the last sequence. */
  dispose?(): Promise<void>;
}

/** bench's implementation: every frame, the first one included, gets an output; `dispose` is there. */
export interface LoopSequenceTracker extends SequenceTracker {
  init(frame: TrackerFrame, box: Readonly<Box>, next?: TrackerFrame): Promise<TrackerOutput>;
  dispose(): Promise<void>;
}

/**
 * Box conventions: `pixels` is the tracking loop's ([xmin, ymin, w, h] in 0-based pixels, as SAMURAI's LaSOT
 * runs write them); `lasot` is the official toolkit's 1-based pixel coordinates (x and y one more).
 */
export type BoxConvention = 'pixels' | 'lasot';

/** Options of `createSequenceTracker`: `stack` is a `--stack` spec (`ort-cpu`, `ort-webgpu,mask_decoder=ort-cpu`). */
export interface SequenceTrackerOptions extends Omit<OpenTrackerOptions, 'stacks'> {
  stack: string | ModuleStacks;
  /** The convention of `init`'s box and of every output box. Default `pixels`. */
  boxes?: BoxConvention;
}

/**
 * bench's tracking loop as a `SequenceTracker`. Frames are decoded with sharp at their own size; the next one
 * (when named) is decoded beside this frame's inference and handed to the loop as `next`, so its host worker
 * preprocesses it there too.
 */
export async function createSequenceTracker(options: SequenceTrackerOptions): Promise<LoopSequenceTracker> {
  const { stack, boxes = 'pixels', ...rest } = options;
  const { tracker, close } = await openTracker({
    ...rest,
    stacks: typeof stack === 'string' ? parseStackSpec(stack) : stack,
  });
  const shift = boxes === 'lasot' ? 1 : 0;
  const output = (r: TrackResult): TrackerOutput => {
    const [x, y, w, h] = r.box;
    return { box: w > 0 && h > 0 ? [x + shift, y + shift, w, h] : [0, 0, 0, 0], score: r.objectScore };
  };
  // Decoding runs on sharp's threads, so a decode started before inference finishes beside it.
  let ahead: { path: string; image: Promise<RawImage> } | undefined;
  const take = (frame: TrackerFrame, next: TrackerFrame | undefined) => {
    const image = ahead?.path === frame.path ? ahead.image : decodeImage(frame.path);
    ahead = next ? { path: next.path, image: decodeImage(next.path) } : undefined;
    // A failed read surfaces when that frame is tracked, not as an unhandled rejection now.
    ahead?.image.catch(() => undefined);
    return { image, trackOptions: ahead ? { next: ahead.image } : undefined };
  };
  return {
    init: async (frame, box, next) => {
      const { image, trackOptions } = take(frame, next);
      const loopBox: Box = [box[0] - shift, box[1] - shift, box[2], box[3]];
      return output(await tracker.init(await image, loopBox, trackOptions));
    },
    track: async (frame, next) => {
      const { image, trackOptions } = take(frame, next);
      return output(await tracker.track(await image, trackOptions));
    },
    dispose: async () => {
      ahead = undefined;
      await close();
    },
  };
}
