import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { bakeModule, readModel, writeModel, writeZoo } from '@tamkit/graph-surgery';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { Preprocessor } from '../src/preprocess/preprocessor.js';
import { BilinearResizer } from '../src/tracker/bilinear.js';
import { HostStages } from '../src/tracker/host-stages.js';
import { HostWorker } from '../src/tracker/host-worker/host-worker.js';
import { chwToTokens } from '../src/tracker/layout.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { createSequenceTracker } from '../src/tracker/sequence-tracker.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker, type TrackResult } from '../src/tracker/tracker.js';

let dir: string;
let baked: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-host-worker-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 4 });
  baked = join(dir, 'baked');
  // The mask_decoder bakes need the low-res mask size, which the export style (the default) declares with the
  // exporter's placeholders: until issue 11 item 1 lands (specialize branch) the baked copy is the clean style.
  console.warn('baked models use the clean zoo style: bake sizes of a real export await issue 11 item 1');
  await writeZoo(baked, { model: 'efficienttam-ti', size: 'tiny', seed: 4, style: 'clean' });
  for (const m of ['image_encoder', 'mask_decoder', 'memory_attention'] as const) {
    const file = join(baked, `${m}.onnx`);
    await writeModel(bakeModule(await readModel(file), { module: m, preprocess: { resize: true } }).model, file);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Logits with a blob, a ramp and values past the sigmoid table's range, like a decoder's. */
function maskLogits(h: number, w: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y += 1)
    for (let x = 0; x < w; x += 1) out[y * w + x] = 12 - Math.hypot(x - w / 3, y - h / 2) / 2 + Math.sin(x * y);
  return out;
}

describe('HostWorker (a worker thread for the host stages)', () => {
  it('preprocesses, upsamples masks and transposes features exactly as the in-process kernels do, reusing its buffers', async () => {
    const worker = new HostWorker();
    try {
      const frame = new SyntheticVideo({ width: 320, height: 180, seed: 1 }).frame(3);
      const expected = new Preprocessor().fromRgb(frame);
      const first = await worker.preprocess(frame, 512);
      expect(first).toEqual(expected);
      worker.recycle(first);
      const second = await worker.preprocess(frame, 512);
      expect(second).toEqual(expected);
      expect(first).toHaveLength(0); // its buffer was moved to the worker again for the second job: pooled
      const logits = maskLogits(128, 128);
      const map = await worker.maskForMem(logits, { height: 128, width: 128, side: 512 }, { scale: 20, bias: -10 });
      const inProcess = new Float32Array(512 * 512);
      new BilinearResizer(128, 128, 512, 512).toMaskForMem(logits, inProcess, 20, -10);
      expect(map).toEqual(inProcess);
      const features = Float32Array.from({ length: 24 * 40 }, (_, i) => Math.cos(i));
      expect(await worker.chwToTokens(features, 24, 40)).toEqual(chwToTokens(features, 24, 40, new Float32Array(960)));
    } finally {
      await worker.close();
    }
  });

  it('BAD INPUT - a job that fails in the worker rejects with what failed and a remedy; the worker keeps serving', async () => {
    const worker = new HostWorker();
    try {
      const frame = { data: new Uint8Array(10 * 10 * 3), width: 10, height: 10, channels: 5 };
      const error = await worker.preprocess(frame, 64).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ToolkitError);
      expect((error as ToolkitError).code).toBe('HOST_WORKER_JOB_FAILED');
      expect((error as ToolkitError).message).toMatch(/preprocess failed: .*channels/);
      expect((error as ToolkitError).remedy).toMatch(/hostWorker: false/);
      const ok = await worker.preprocess({ ...frame, channels: 3 }, 64);
      expect(ok).toHaveLength(3 * 64 * 64);
    } finally {
      await worker.close();
    }
  });

  it('after close, jobs reject with HOST_WORKER_FAILED and HostStages falls back in process, saying so', async () => {
    const worker = new HostWorker();
    await worker.close();
    const frame = new SyntheticVideo({ width: 64, height: 48 }).frame(0);
    await expect(worker.preprocess(frame, 64)).rejects.toMatchObject({ code: 'HOST_WORKER_FAILED' });

    const stages = new HostStages(true);
    const logits = maskLogits(16, 16);
    await stages.maskForMem({ logits, height: 16, width: 16 }, 64, { scale: 20, bias: -10 }); // starts the worker
    await stages.dispose();
    expect(stages.threaded).toBe(false);
    const inProcess = new Float32Array(64 * 64);
    new BilinearResizer(16, 16, 64, 64).toMaskForMem(logits, inProcess, 20, -10);
    expect(await stages.maskForMem({ logits, height: 16, width: 16 }, 64, { scale: 20, bias: -10 })).toEqual(inProcess);
  });
});

describe('tracker host stages in a worker thread', () => {
  it('gives bit-identical results with the worker and the next frame handed over early, and without either', async () => {
    const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const run = async (threaded: boolean) => {
        const video = new SyntheticVideo({ width: 320, height: 240, seed: 9 });
        const tracker = createTracker({ modules: runners, options: { hostWorker: threaded } });
        const results: Omit<TrackResult, 'timings'>[] = [];
        const keep = (r: TrackResult) => {
          const { timings: _timings, ...rest } = r;
          results.push({ ...rest, maskLogits: Float32Array.from(r.maskLogits) });
        };
        let frame = video.frame(0);
        for (let i = 0; i < 10; i += 1) {
          const next = i < 9 ? video.frame(i + 1) : undefined;
          const call = threaded && next ? { next } : {};
          keep(i === 0 ? await tracker.init(frame, video.box(0), call) : await tracker.track(frame, call));
          if (next) frame = next;
        }
        const notes = tracker.notes;
        await tracker.dispose();
        return { results, notes };
      };
      const inProcess = await run(false);
      const threaded = await run(true);
      expect(threaded.results).toEqual(inProcess.results);
      expect(threaded.notes.join('\n')).not.toMatch(/host worker unavailable/);
    } finally {
      await closeModules(runners);
    }
  });
});

describe('the next frame handed over as a promise (a decode under way)', () => {
  it('is preprocessed in the worker once it arrives: preprocess() takes that tensor, not the in-process path', async () => {
    const stages = new HostStages(true);
    try {
      const frame = new SyntheticVideo({ width: 200, height: 120, seed: 5 }).frame(2);
      const expected = new Preprocessor().fromRgb(frame);
      const inProcess = vi.spyOn(stages.preprocessor, 'fromRgb');
      stages.prefetch(new Promise((resolve) => setTimeout(() => resolve(frame), 10)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await stages.preprocess(frame)).toEqual(expected);
      expect(inProcess).not.toHaveBeenCalled();
      // A frame nobody announced goes the in-process way.
      const other = new SyntheticVideo({ width: 200, height: 120, seed: 6 }).frame(0);
      await stages.preprocess(other);
      expect(inProcess).toHaveBeenCalledTimes(1);
    } finally {
      await stages.dispose();
    }
  });

  it('is what the sequence tracker (LaSOT runs) hands the loop: every frame after the first arrives prefetched', async () => {
    const video = new SyntheticVideo({ width: 160, height: 96, seed: 3 });
    const frames = join(dir, 'frames');
    await mkdir(frames, { recursive: true });
    for (let i = 0; i < 4; i += 1) {
      const f = video.frame(i);
      await sharp(Buffer.from(f.data), { raw: { width: f.width, height: f.height, channels: 3 } })
        .png()
        .toFile(join(frames, `${i}.png`));
    }
    const prefetch = vi.spyOn(HostStages.prototype, 'prefetch');
    const inProcess = vi.spyOn(Preprocessor.prototype, 'fromRgb');
    const tracker = await createSequenceTracker({
      models: dir,
      stack: 'ort-cpu',
      threads: 1,
      tracker: { hostWorker: true },
    });
    try {
      const frame = (i: number) => ({ index: i, path: join(frames, `${i}.png`) });
      await tracker.init(frame(0), video.box(0), frame(1));
      for (let i = 1; i < 4; i += 1) await tracker.track(frame(i), i < 3 ? frame(i + 1) : undefined);
      expect(prefetch).toHaveBeenCalledTimes(3);
      for (const [given] of prefetch.mock.calls) expect(given).toBeInstanceOf(Promise);
      // Only the first frame was preprocessed in process: the next three came from the worker.
      expect(inProcess).toHaveBeenCalledTimes(1);
    } finally {
      prefetch.mockRestore();
      inProcess.mockRestore();
      await tracker.dispose();
    }
  });
});

describe('frames in shared memory', () => {
  it('are read in place by the worker and copied for a graph with preprocessing baked in: same results as plain frames', async () => {
    for (const models of [dir, baked]) {
      const runners = await openModules(await moduleFiles(models), parseStackSpec('ort-cpu'), { threads: 1 });
      try {
        const run = async (shared: boolean) => {
          const video = new SyntheticVideo({ width: 160, height: 96, seed: 2 });
          const tracker = createTracker({ modules: runners, options: { box: 'low-res' } });
          const frameOf = (i: number) => {
            const f = video.frame(i);
            expect(f.data.buffer).toBeInstanceOf(SharedArrayBuffer);
            return shared ? f : { ...f, data: Uint8Array.from(f.data) };
          };
          const boxes = [];
          let frame = frameOf(0);
          for (let i = 0; i < 5; i += 1) {
            const next = frameOf(i + 1);
            const r =
              i === 0 ? await tracker.init(frame, video.box(0), { next }) : await tracker.track(frame, { next });
            boxes.push({ box: r.box, iou: r.iou, logits: Float32Array.from(r.maskLogits) });
            frame = next;
          }
          await tracker.dispose();
          return boxes;
        };
        expect(await run(true)).toEqual(await run(false));
      } finally {
        await closeModules(runners);
      }
    }
  });
});
