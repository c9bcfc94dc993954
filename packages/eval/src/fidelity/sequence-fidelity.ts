/**
 * Along-a-sequence fidelity: the same frames through the tracking loop on stack A and on reference stack B, each
 * with its own memory bank, and per frame the agreement of their masks (IoU at logits > 0) and boxes.
 */

import { basename } from 'node:path';
import type { RawImage, Tracker } from '@tamkit/bench';
import sharp from 'sharp';
import { classOfSequence, framePath, loadSequence } from '../lasot/dataset.js';
import { renderBackground, renderFrame } from '../synth/render.js';
import { drawScene, frameTruth } from '../synth/scene.js';
import { boxIou, maskIou, type PixelBox } from './metrics.js';

/** One frame of a sequence to track; `box` is the prompt on the first frame (ignored later). */
export interface SequenceFrame {
  image: RawImage;
  box: PixelBox;
}

/** Agreement on one frame. */
export interface FrameAgreement {
  frame: number;
  maskIou: number;
  boxIou: number;
  boxA: PixelBox;
  boxB: PixelBox;
}

/** Agreement over a sequence. */
export interface SequenceFidelity {
  frames: number;
  /** Means over all frames (the first, prompted frame included). */
  meanMaskIou: number;
  meanBoxIou: number;
  perFrame: FrameAgreement[];
}

/** The tracking loop as this comparison needs it (bench's `Tracker`). */
export type ComparableTracker = Pick<Tracker, 'init' | 'track'>;

/** Runs both trackers over the frames (A first, then B, frame by frame) and scores their agreement. */
export async function compareTracking(
  a: ComparableTracker,
  b: ComparableTracker,
  frames: AsyncIterable<SequenceFrame> | Iterable<SequenceFrame>,
  onFrame?: (done: number) => void,
): Promise<SequenceFidelity> {
  const mask = maskIou();
  const perFrame: FrameAgreement[] = [];
  let index = 0;
  for await (const frame of frames) {
    const first = index === 0;
    const box = [...frame.box] as [number, number, number, number];
    const ra = first ? await a.init(frame.image, box) : await a.track(frame.image);
    // The tracker reuses its logits buffer: copy A's before B runs.
    const logitsA = Float32Array.from(ra.maskLogits);
    const boxA = [...ra.box] as unknown as PixelBox;
    const rb = first ? await b.init(frame.image, box) : await b.track(frame.image);
    perFrame.push({
      frame: index,
      maskIou: mask(logitsA, rb.maskLogits),
      boxIou: boxIou(boxA, rb.box),
      boxA,
      boxB: [...rb.box],
    });
    index++;
    onFrame?.(index);
  }
  const mean = (f: (x: FrameAgreement) => number) =>
    perFrame.length ? perFrame.reduce((s, x) => s + f(x), 0) / perFrame.length : Number.NaN;
  return { frames: perFrame.length, meanMaskIou: mean((x) => x.maskIou), meanBoxIou: mean((x) => x.boxIou), perFrame };
}

/** Frames of a seeded synthetic sequence rendered in memory (eval's LaSOT-style generator, no files). */
export function* syntheticFrames(count: number, seed: number, width = 640, height = 480): Generator<SequenceFrame> {
  const scene = drawScene(width, height, count, seed);
  const background = renderBackground(scene);
  for (let i = 0; i < count; i++) {
    const { object } = frameTruth(scene, i);
    yield {
      image: { data: renderFrame(scene, background, frameTruth(scene, i)), width, height, channels: 3 },
      box: [object.x, object.y, object.w, object.h],
    };
  }
}

/** Frames of a LaSOT-layout sequence folder (`img/*.jpg`, `groundtruth.txt`), decoded with sharp. */
export async function* lasotFrames(sequenceDir: string, limit?: number): AsyncGenerator<SequenceFrame> {
  const name = basename(sequenceDir);
  const sequence = await loadSequence({ name, className: classOfSequence(name), dir: sequenceDir });
  const first = sequence.groundTruth.subarray(0, 4);
  const count = Math.min(sequence.frames, limit ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < count; i++) {
    const { data, info } = await sharp(framePath(sequence, i))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // LaSOT boxes are 1-based; the tracking loop works in 0-based pixels.
    yield {
      image: {
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        width: info.width,
        height: info.height,
        channels: 3,
      },
      box: [first[0]! - 1, first[1]! - 1, first[2]!, first[3]!],
    };
  }
}
