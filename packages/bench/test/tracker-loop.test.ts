import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { BaseRunner } from '../src/stacks/runner.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { TRACKER_MODULES } from '../src/tracker/module-runner.js';
import { closeModules, loopSpinsByDefault, openModules } from '../src/tracker/open-modules.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { PIPELINE_STAGES } from '../src/tracker/stages.js';
import { createTracker } from '../src/tracker/tracker.js';
import { defaultTrackerParams, formatTrackerParams, TRACKER_PARAMS_FILE } from '../src/tracker/tracker-params.js';

// The tiny EfficientTAM-Ti zoo: the real four-module topology and I/O at small widths (d_model 32, mem_dim 16).
let dir: string;
let withParams: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-pipeline-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 7 });
  withParams = await mkdtemp(join(tmpdir(), 'tamkit-pipeline-params-'));
  await writeZoo(withParams, { model: 'efficienttam-ti', size: 'tiny', seed: 7 });
  await writeFile(join(withParams, TRACKER_PARAMS_FILE), formatTrackerParams(defaultTrackerParams(32, 16, 99), 32, 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(withParams, { recursive: true, force: true });
});

function wellFormed(box: Box, width: number, height: number): void {
  expect(box).toHaveLength(4);
  for (const v of box) expect(Number.isFinite(v)).toBe(true);
  const [x, y, w, h] = box;
  expect(w).toBeGreaterThanOrEqual(0);
  expect(h).toBeGreaterThanOrEqual(0);
  expect(x).toBeGreaterThanOrEqual(0);
  expect(y).toBeGreaterThanOrEqual(0);
  expect(x + w).toBeLessThanOrEqual(width);
  expect(y + h).toBeLessThanOrEqual(height);
}

describe('tracking loop on the tiny zoo (ort-cpu)', () => {
  it('tracks frame after frame: well-formed boxes, positive timings, memory growing to 7 frames and 16 pointers', async () => {
    const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const tracker = createTracker({ modules: runners });
      const video = new SyntheticVideo({ width: 160, height: 120, seed: 3 });
      const sizes: { frames: number; pointers: number }[] = [];
      const first = await tracker.init(video.frame(0), video.box(0));
      sizes.push(tracker.memorySize());
      expect(first.timings.memory_attention).toBe(0); // frame 0 takes the no-memory path
      expect(first.timings.memory_encoder).toBe(0); // its memory is encoded during the next call
      for (const stage of ['preprocess', 'image_encoder', 'mask_decoder'] as const) {
        expect(first.timings[stage]).toBeGreaterThan(0);
      }
      for (let i = 1; i < 18; i += 1) {
        const out = await tracker.track(video.frame(i));
        sizes.push(tracker.memorySize());
        expect(out.frameIndex).toBe(i);
        wellFormed(out.box, 160, 120);
        expect(out.maskLogits).toHaveLength(128 * 128);
        expect(out.maskLogits).toBe(first.maskLogits); // one buffer reused frame after frame
        expect(out.iou).toBeGreaterThanOrEqual(0);
        expect(out.iou).toBeLessThanOrEqual(1);
        expect(out.timings.memory_attention).toBeGreaterThan(0);
        expect(out.timings.memory_encoder).toBeGreaterThan(0); // the previous frame's memory
        expect(out.timings.total).toBeGreaterThanOrEqual(out.timings.image_encoder + out.timings.memory_attention);
      }
      expect(sizes.map((s) => s.frames)).toEqual([1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
      expect(sizes.map((s) => s.pointers).slice(12)).toEqual([13, 14, 15, 16, 16, 16]);
      expect(tracker.notes.join('\n')).toMatch(/seeded defaults/);
    } finally {
      await closeModules(runners);
    }
  });

  it('gives the same boxes for the same frames, and with kalman runs the Kalman choice in the loop', async () => {
    const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const video = new SyntheticVideo({ width: 96, height: 64, seed: 5 });
      // SAMURAI's defaults wait 15 gated frames before the Kalman score counts; a gate of 0 and one stable frame
      // reach the weighted phase within these frames, so the Kalman half can fail if the loop ignores kalman.
      const run = async (kalman: false | { stableFrames: number; gate: number }) => {
        const tracker = createTracker({ modules: runners, options: { kalman, box: 'low-res' } });
        const results = [await tracker.init(video.frame(0), video.box(0))];
        for (let i = 1; i < 5; i += 1) results.push(await tracker.track(video.frame(i)));
        return {
          boxes: results.map((r) => [...r.box]),
          scores: results.map((r) => r.kalmanScore),
          notes: tracker.notes,
        };
      };
      const a = await run(false);
      expect((await run(false)).boxes).toEqual(a.boxes);
      expect(a.scores.every((k) => k === undefined)).toBe(true);
      const withKalman = await run({ stableFrames: 1, gate: 0 });
      for (const box of withKalman.boxes) wellFormed(box as Box, 96, 64);
      expect(withKalman.scores.slice(2).every((k) => typeof k === 'number' && k >= 0 && k <= 1)).toBe(true);
      expect(withKalman.notes.join('\n')).toMatch(/SAMURAI Kalman selection/);
    } finally {
      await closeModules(runners);
    }
  });

  it('BAD CALL - track() before init() says to call init first', async () => {
    const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const tracker = createTracker({ modules: runners });
      await expect(tracker.track(new SyntheticVideo({ width: 32, height: 32 }).frame(0))).rejects.toThrow(
        /before init/,
      );
    } finally {
      await closeModules(runners);
    }
  });
});

describe('runPipeline on the tiny zoo', () => {
  it('reports per-stage and per-frame stats, FPS, and isolated module medians interleaved on the same sessions', async () => {
    const { result, modules, boxes } = await runPipeline({
      models: dir,
      stacks: parseStackSpec('ort-cpu'),
      frames: 3,
      warmupFrames: 2,
      isolatedIterations: 2,
      threads: 1,
      video: new SyntheticVideo({ width: 128, height: 96, seed: 1 }),
      variant: 'unbaked',
    });
    expect(boxes).toHaveLength(5);
    expect(result.frames).toBe(3);
    expect(result.variant).toBe('unbaked');
    expect(result.perFrame.samples).toBe(3);
    expect(Object.keys(result.perStage)).toEqual([...PIPELINE_STAGES, 'unstaged']);
    expect(result.perStage.memory_attention!.minMs).toBeGreaterThan(0);
    // The loop's own work around memory_attention and the bank is timed apart from the module runs.
    expect(result.perStage.attention_inputs!.minMs).toBeGreaterThan(0);
    expect(result.perStage.bank_update!.minMs).toBeGreaterThan(0);
    // Stages never overlap (a module's run and its downloads are counted once): they add up to at most the frame.
    expect(result.perStage.unstaged!.minMs).toBeGreaterThanOrEqual(-1e-6);
    expect(result.fps).toBeCloseTo(1000 / result.perFrame.meanMs, 6);
    expect(modules.map((m) => m.module)).toEqual([...TRACKER_MODULES]);
    for (const m of modules) expect(m.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    // Isolated runs are interleaved: isolatedIterations runs per timed frame.
    for (const m of modules) expect(m.latency.samples).toBe(3 * 2);
    expect(result.isolatedSumMs).toBeCloseTo(
      modules.reduce((s, m) => s + m.latency.p50Ms, 0),
      9,
    );
    expect(result.notes.join('\n')).toMatch(/x the sum of isolated module p50s/);
    expect(result.copySavedMs).toBeUndefined();
    // auto placement on a CPU-only pipeline: host copies, no calibration.
    expect(result.deviceOutputs).toMatchObject({ mode: 'auto', chosen: 'off' });
    expect(result.deviceOutputs?.calibrationFrames).toBeUndefined();
  });

  it('uses tracker-params.json from the models folder and names it in the notes', async () => {
    const { result } = await runPipeline({
      models: withParams,
      stacks: parseStackSpec('ort-cpu'),
      frames: 1,
      warmupFrames: 1,
      isolatedIterations: 0,
      threads: 1,
      video: new SyntheticVideo({ width: 64, height: 64 }),
      compareDeviceCopies: true,
    });
    expect(result.notes.join('\n')).not.toMatch(/seeded defaults/);
    expect(result.isolatedSumMs).toBeUndefined();
    expect(result.notes.join('\n')).toMatch(/copy time saved not measured/);
  });

  it('BAD CALL - a models folder without the four modules fails naming the missing files', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tamkit-empty-'));
    try {
      const error = await runPipeline({ models: empty, stacks: parseStackSpec('ort-cpu') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ToolkitError);
      expect((error as ToolkitError).message).toMatch(/missing image_encoder\.onnx, memory_attention\.onnx/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('opens the four sessions spinning within each run and stopped when it returns, by default only with more than 2 cores', async () => {
    const files = await moduleFiles(dir);
    expect(loopSpinsByDefault()).toBe(availableParallelism() > 2);
    for (const allowSpinning of [undefined, true, false]) {
      const runners = await openModules(files, parseStackSpec('ort-cpu'), {
        threads: 1,
        ...(allowSpinning === undefined ? {} : { allowSpinning }),
      });
      try {
        const spin = allowSpinning ?? loopSpinsByDefault();
        for (const m of TRACKER_MODULES) {
          expect(runners[m].describeOptions().allowSpinning).toBe(spin);
          expect(runners[m].describeOptions().stopSpinningAfterRun).toBe(spin ? true : undefined);
        }
      } finally {
        await closeModules(runners);
      }
    }
  });

  it('BAD CALL - runners already activated are released when one module fails to load', async () => {
    const files = await moduleFiles(dir);
    const broken = join(withParams, 'broken.onnx');
    await writeFile(broken, 'not onnx');
    const activated: { runner: BaseRunner; path: string }[] = [];
    const activate = BaseRunner.prototype.activate;
    const spy = vi.spyOn(BaseRunner.prototype, 'activate').mockImplementation(async function (this: BaseRunner, path) {
      await activate.call(this, path);
      activated.push({ runner: this, path });
    });
    try {
      const error = await openModules({ ...files, memory_encoder: broken }, parseStackSpec('ort-cpu')).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ToolkitError);
      expect((error as ToolkitError).message).toMatch(/broken\.onnx/);
      // image_encoder and mask_decoder were open when memory_encoder failed (memory_attention opens last, its
      // layout taken from the decoder): both are closed again.
      expect(activated.map((a) => a.path)).toEqual([files.image_encoder, files.mask_decoder]);
      for (const { runner } of activated) expect(runner.isActive).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });
});
