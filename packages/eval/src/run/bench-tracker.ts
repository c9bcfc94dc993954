/**
 * bench's EfficientTAM tracking loop for LaSOT runs. LaSOT boxes are 1-based pixel coordinates (the MATLAB
 * toolkit's); the loop takes that convention as its `boxes: 'lasot'` option (SAMURAI's own LaSOT runs skip the
 * shift and are off by one pixel).
 */
import { createSequenceTracker } from '@tamkit/bench';
import type { TrackerFactory } from './tracker.js';

/** A TrackerFactory that opens bench's tracking loop on a stack spec (`ort-cpu`, or `module=stack,...`). */
export const benchTrackerFactory: TrackerFactory = ({ models, stack, kalman, threads }) =>
  createSequenceTracker({
    models,
    stack,
    boxes: 'lasot',
    ...(threads === undefined ? {} : { threads }),
    tracker: { kalman: kalman ?? false },
  });
