/**
 * The EfficientTAM tracking loop of bench, as a `SequenceTracker` for LaSOT runs. LaSOT boxes are 1-based
 * pixel coordinates; bench's loop works in 0-based pixels, so boxes are shifted on the way in and out.
 */
import { openTracker, parseStackSpec, type RawImage } from '@tamkit/bench';
import sharp from 'sharp';
import type { Box } from '../lasot/boxes.js';
import type { SequenceTracker, TrackerFactory, TrackerFrame, TrackerOutput } from './tracker.js';

async function decode(path: string): Promise<RawImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: 3,
  };
}

function toLasot(box: readonly number[]): Box {
  const [x, y, w, h] = box as [number, number, number, number];
  return w > 0 && h > 0 ? [x + 1, y + 1, w, h] : [0, 0, 0, 0];
}

/** A TrackerFactory that opens bench's tracking loop on the stack spec (`ort-cpu`, or `module=stack,...`). */
export const benchTrackerFactory: TrackerFactory = async ({ models, stack, kalman, threads }) => {
  const opened = await openTracker({
    models,
    stacks: parseStackSpec(stack),
    ...(threads === undefined ? {} : { threads }),
    tracker: { kalman: kalman ?? false },
  });
  const output = (r: { box: readonly number[]; objectScore: number }): TrackerOutput => ({
    box: toLasot(r.box),
    score: r.objectScore,
  });
  const tracker: SequenceTracker = {
    async init(frame: TrackerFrame, box: Box) {
      const [x, y, w, h] = box;
      return output(await opened.tracker.init(await decode(frame.path), [x - 1, y - 1, w, h]));
    },
    async track(frame: TrackerFrame) {
      return output(await opened.tracker.track(await decode(frame.path)));
    },
    dispose: () => opened.close(),
  };
  return tracker;
};
