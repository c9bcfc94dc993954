import { ToolkitError } from '@tamkit/common';
import { createTrackerContext } from './tracker-context.js';
import { dropPending, trackFrame } from './tracker-stages.js';
import type { CreateTrackerOptions, Tracker } from './tracker-types.js';

export type { CreateTrackerOptions, Tracker, TrackerOptions, TrackOptions, TrackResult } from './tracker-types.js';

/**
 * Builds a tracker over four active runners. The model I/O names are resolved now (errors name what is missing).
 * Each frame goes through the stages of tracker-stages.ts (`trackFrame`): preprocessFrame, encodeImage,
 * encodeMemory (the previous frame's), conditionWithoutMemory or attendMemory, decodeMask, chooseFrameMask,
 * videoBox.
 */
export function createTracker({ modules, params, options = {}, attentionDecoder }: CreateTrackerOptions): Tracker {
  const ctx = createTrackerContext(modules, params, options, attentionDecoder);
  return {
    get notes() {
      return [...ctx.notes, ...ctx.host.notes];
    },
    async init(frame, box, trackOptions) {
      dropPending(ctx);
      ctx.buffers?.bank?.clear();
      ctx.selector?.reset();
      return trackFrame(ctx, frame, box, trackOptions?.next);
    },
    async track(frame, trackOptions) {
      if (ctx.frameIndex < 0) {
        throw new ToolkitError('TRACKER_NOT_INITIALISED', 'track(frame) called before init(frame0, box)', {
          remedy: 'Call init() with the first frame and the object box first.',
        });
      }
      return trackFrame(ctx, frame, undefined, trackOptions?.next);
    },
    memorySize() {
      const next = ctx.frameIndex + 1;
      const bank = ctx.buffers?.bank;
      // A pending frame is in the next memory: it is at distance 1, and the slot it will take is out of range.
      if (ctx.pending?.conditioning) return { frames: 1, pointers: 1 };
      const extra = ctx.pending ? 1 : 0;
      return bank
        ? { frames: bank.framesFor(next) + extra, pointers: bank.pointersFor(next) + extra }
        : { frames: extra, pointers: extra };
    },
    async dispose() {
      dropPending(ctx);
      await ctx.host.dispose();
    },
  };
}
