import type { Box } from '../lasot/boxes.js';

/** A frame handed to a tracker: its position in the sequence and its image file. */
export interface TrackerFrame {
  /** 0-based frame index. */
  index: number;
  /** The JPEG of the frame; the tracker decodes it (where it decodes is its business: CPU, GPU, ...). */
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
  /** The target box `[x, y, w, h]` in LaSOT pixel coordinates; `[0, 0, 0, 0]` when the target is lost. */
  box: Box;
  /** The target mask, when the tracker segments. */
  mask?: TrackerMask;
  /** A confidence (e.g. the object-score logit), when the tracker has one. */
  score?: number;
}

/**
 * A single-object tracker as `runLasot` drives it: `init` starts a new sequence from the first frame and its
 * ground-truth box (dropping any previous state), `track` follows the target on each later frame in order.
 * bench's tracking loop implements this for the EfficientTAM pipeline.
 */
export interface SequenceTracker {
  /** `next`: the frame the following call will get, so a tracker may start reading it early (optional). */
  init(frame: TrackerFrame, box: Box, next?: TrackerFrame): Promise<TrackerOutput | undefined>;
  track(frame: TrackerFrame, next?: TrackerFrame): Promise<TrackerOutput>;
  /** Releases sessions and buffers; called once after the last sequence. */
  dispose?(): Promise<void>;
}

/** Builds the tracker of a stack from a models folder; bench's tracking loop provides one. */
export type TrackerFactory = (options: {
  models: string;
  stack: string;
  /** SAMURAI's motion-aware mask and memory selection, where the tracker has them. */
  kalman?: boolean;
  threads?: number;
}) => Promise<SequenceTracker>;
