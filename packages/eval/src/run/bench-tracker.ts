/**
 * bench's EfficientTAM tracking loop as a `SequenceTracker` for LaSOT runs. LaSOT boxes are 1-based pixel
 * coordinates (the MATLAB toolkit's); the tracking loop works in 0-based pixels, so boxes are shifted by one
 * pixel on the way in and out (SAMURAI's own LaSOT runs skip this and are off by one pixel).
 */
import { createSequenceTracker } from '@tamkit/bench';
import type { Box } from '../lasot/boxes.js';
import type { SequenceTracker, TrackerFactory, TrackerOutput } from './tracker.js';

function toLasot(out: { box: readonly number[]; score: number }): TrackerOutput {
  const [x, y, w, h] = out.box as [number, number, number, number];
  return { box: w > 0 && h > 0 ? [x + 1, y + 1, w, h] : [0, 0, 0, 0], score: out.score };
}

/** A TrackerFactory that opens bench's tracking loop on a stack spec (`ort-cpu`, or `module=stack,...`). */
export const benchTrackerFactory: TrackerFactory = async ({ models, stack, kalman, threads }) => {
  const inner = await createSequenceTracker({
    models,
    stack,
    ...(threads === undefined ? {} : { threads }),
    tracker: { kalman: kalman ?? false },
  });
  const tracker: SequenceTracker = {
    init: async (frame, box: Box, next) =>
      toLasot(await inner.init(frame, [box[0] - 1, box[1] - 1, box[2], box[3]], next)),
    track: async (frame, next) => toLasot(await inner.track(frame, next)),
    dispose: () => inner.dispose(),
  };
  return tracker;
};
