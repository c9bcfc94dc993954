import type { RawImage } from '../preprocess/normalize.js';
import type { Box } from './mask-box.js';
import type { SamuraiOptions } from './memory-selection.js';
import type { ModuleRunner, ModuleRunners } from './module-runner.js';
import type { StageTimings } from './stages.js';
import type { TrackerParams } from './tracker-params.js';

// The tracker's public contract; the loop itself is in tracker.ts.

/** Options of `createTracker`. */
export interface TrackerOptions {
  /**
   * SAMURAI: motion-aware mask selection and, unless `memorySelection: false`, its memory selection (true for
   * SAMURAI's defaults). Default off: best predicted IoU, the numMaskmem-1 newest frames in memory (SAM 2).
   */
  kalman?: boolean | SamuraiOptions;
  /**
   * Output box: `exact` thresholds the logits bilinearly resized to the video size (computed without building
   * the resized mask); `low-res` takes the 128x128 box and scales its coordinates (cheaper). Default `exact`.
   */
  box?: 'exact' | 'low-res';
  /**
   * Feed image_encoder's features to memory_encoder as the device tensor they are, when both modules run on the
   * same stack and that stack keeps outputs on the device. Default false.
   */
  keepOnDevice?: boolean;
  /** Seed of the default tracker parameters when `params` is absent. Default 0. */
  paramsSeed?: number;
  /**
   * Run the host stages that can overlap inference in a worker thread: the next frame's preprocessing (see
   * `TrackOptions.next`) and the memory encoder's mask upsampling, which then overlaps the next frame's
   * image_encoder. Results are identical either way. Default: on where the machine has more than 2 cores (on 2
   * cores the worker competes with a CPU stack's own threads: the tiny zoo ran 12% slower per frame with it).
   */
  hostWorker?: boolean;
  /**
   * Encode the next frame (handed over through `TrackOptions.next`) while this frame's memory attention, mask
   * decoder and memory encoder run: the image encoder does not depend on the tracking state, so frame t + 1's
   * features are computed beside frame t. Needs an image_encoder runner that runs off the JavaScript thread
   * (`capabilities.threaded`, e.g. `openModules({ offThread: ['image_encoder'] })`). A frame's result then waits
   * only for what is left of its encoding (the `image_encoder` stage); the encoding's own times are in
   * `TrackResult.ahead`. Results are identical either way. Default: on when the image encoder is threaded.
   */
  encoderAhead?: boolean;
}

/** Per-call options of `init` and `track`. */
export interface TrackOptions {
  /**
   * The frame the next `track()` call will get (the same object, or a promise of it, e.g. a decode under way):
   * its preprocessing starts as soon as it is there, beside this frame's inference, when the tracker has a host
   * worker. Its pixels are copied then.
   */
  next?: RawImage | Promise<RawImage>;
}

/** What `createTracker` takes. Runners must be active. */
export interface CreateTrackerOptions {
  modules: ModuleRunners;
  /** Learned tensors outside the ONNX modules; seeded defaults when absent (said in `notes`). */
  params?: TrackerParams;
  options?: TrackerOptions;
  /**
   * memory_attention and mask_decoder merged into one graph (`openAttentionDecoder`, graph-surgery `mergeModels`),
   * active: tracked frames after the first run it once instead of the two, and the conditioned features never
   * leave the device. It takes memory_attention's inputs (in the image maps' layout) and the decoder's point
   * inputs and gives the decoder's outputs; the conditioning frame still runs `modules.mask_decoder`.
   */
  attentionDecoder?: ModuleRunner;
}

/** One tracked frame. */
export interface TrackResult {
  frameIndex: number;
  /** [x, y, w, h] in video pixels, [0,0,0,0] when the object is absent. */
  box: Box;
  /** Chosen mask logits [maskH * maskW] (128x128). Reused: valid until the next call. */
  maskLogits: Float32Array;
  maskIndex: number;
  iou: number;
  objectScore: number;
  /** SAMURAI's Kalman score of the chosen mask, once its filter is stable (with `kalman`). */
  kalmanScore?: number;
  /** Frames whose spatial memories this frame attended to, conditioning frame first (empty on frame 0). */
  memoryFrames: readonly number[];
  timings: StageTimings;
  /**
   * With `encoderAhead`: this frame's preprocessing, image_encoder run and copies, done beside the previous
   * frame (not in `timings.total`, which holds only the wait for them, as `image_encoder`).
   */
  ahead?: StageTimings;
}

/** The tracking loop of one object: `init` on the first frame with a box, then `track` frame after frame. */
export interface Tracker {
  init(frame: RawImage, box: Box, options?: TrackOptions): Promise<TrackResult>;
  track(frame: RawImage, options?: TrackOptions): Promise<TrackResult>;
  /** Spatial memories and object pointers the next frame's memory attention will use. */
  memorySize(): { frames: number; pointers: number };
  /** Caveats for the result (default parameters, approximations). */
  readonly notes: readonly string[];
  /** Stops the host worker and releases held device tensors. The runners stay the caller's to close. */
  dispose(): Promise<void>;
}
