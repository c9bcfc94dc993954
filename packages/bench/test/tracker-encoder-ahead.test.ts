import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import type { RawImage } from '../src/preprocess/normalize.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import type { TrackerModule } from '../src/tracker/module-runner.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker, type TrackResult } from '../src/tracker/tracker.js';

const FRAMES = 12;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-encoder-ahead-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 7 });
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Track {
  boxes: Box[];
  masks: Float32Array[];
  ahead: boolean[];
  threaded: boolean;
}

/** Tracks FRAMES frames, handing each call the next frame unless `handOver` says no for that index. */
async function track(offThread: readonly TrackerModule[], handOver: (i: number) => boolean = () => true) {
  const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1, offThread });
  try {
    const tracker = createTracker({ modules: runners, options: { hostWorker: false } });
    const video = new SyntheticVideo({ width: 160, height: 120, seed: 2 });
    // Frames copied: the video's two buffers alternate, and a skipped hand-over must see its own pixels.
    const frames: RawImage[] = [];
    for (let i = 0; i < FRAMES; i += 1) {
      const f = video.frame(i);
      frames.push({ ...f, data: Uint8Array.from(f.data) });
    }
    const out: Track = {
      boxes: [],
      masks: [],
      ahead: [],
      threaded: runners.image_encoder.capabilities.threaded === true,
    };
    for (let i = 0; i < FRAMES; i += 1) {
      const call = i + 1 < FRAMES && handOver(i) ? { next: frames[i + 1]! } : {};
      const r: TrackResult =
        i === 0 ? await tracker.init(frames[0]!, video.box(0), call) : await tracker.track(frames[i]!, call);
      out.boxes.push(r.box);
      out.masks.push(Float32Array.from(r.maskLogits));
      out.ahead.push(r.ahead !== undefined);
    }
    await tracker.dispose();
    return out;
  } finally {
    await closeModules(runners);
  }
}

let sequential: Track;
beforeAll(async () => {
  sequential = await track([]);
}, 60_000);

function expectSameTrack(a: Track, b: Track): void {
  for (let i = 0; i < FRAMES; i += 1) {
    expect(b.boxes[i], `box of frame ${i}`).toEqual(a.boxes[i]);
    expect(Buffer.from(b.masks[i]!.buffer).equals(Buffer.from(a.masks[i]!.buffer)), `mask of frame ${i}`).toBe(true);
  }
}

describe('encoder ahead: the next frame encoded in a worker thread beside the current one (tiny zoo, ort-cpu)', () => {
  it('gives the same boxes and masks, bit for bit, as the loop that encodes each frame in turn', async () => {
    const ahead = await track(['image_encoder']);
    expect(sequential.threaded).toBe(false);
    expect(ahead.threaded).toBe(true);
    expectSameTrack(sequential, ahead);
    // Frame 0 is encoded in its own call; every later frame was encoded during the call before it.
    expect(sequential.ahead.every((a) => !a)).toBe(true);
    expect(ahead.ahead).toEqual(Array.from({ length: FRAMES }, (_, i) => i > 0));
  }, 60_000);

  it('with the memory encoder in its own worker thread too (started when the mask is chosen): the same, bit for bit', async () => {
    const both = await track(['image_encoder', 'memory_encoder']);
    expectSameTrack(sequential, both);
    expect(both.ahead).toEqual(Array.from({ length: FRAMES }, (_, i) => i > 0));
  }, 60_000);

  it('encodes a frame in its own call when it was not handed over, or another frame was', async () => {
    // Frame 5 is not handed over by call 4; frames are still right, and only frame 5 is encoded in its call.
    const gaps = await track(['image_encoder'], (i) => i !== 4);
    expectSameTrack(sequential, gaps);
    expect(gaps.ahead[5]).toBe(false);
    expect(gaps.ahead[6]).toBe(true);
  }, 60_000);

  it('runPipeline --encoder-ahead: same boxes, the ahead encodings in the notes, isolated runs after the loop', async () => {
    const options = {
      models: dir,
      stacks: parseStackSpec('ort-cpu'),
      frames: 4,
      warmupFrames: 3,
      threads: 1,
      video: new SyntheticVideo({ width: 160, height: 120, seed: 3 }),
      tracker: { hostWorker: false },
    };
    const plain = await runPipeline(options);
    const ahead = await runPipeline({ ...options, encoderAhead: true });
    expect(ahead.boxes).toEqual(plain.boxes);
    expect(ahead.result.encoderAhead).toBe(true);
    expect(plain.result.encoderAhead).toBeUndefined();
    expect(ahead.result.interval?.p50Ms).toBeGreaterThan(0);
    expect(ahead.result.notes.some((n) => n.startsWith('encoder ahead: each frame'))).toBe(true);
    // Isolated runs still measured for every module (after the loop, one per timed frame).
    expect(ahead.modules.map((m) => m.module).sort()).toEqual(plain.modules.map((m) => m.module).sort());
    for (const m of ahead.modules) expect(m.latency.samplesMs).toHaveLength(4);
    expect(ahead.result.isolatedSumMs).toBeGreaterThan(0);
  }, 120_000);
});
