import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeModule, readModel, writeModel, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import type { ShapeVariant } from '../src/stacks/shape-variant.js';
import { openAttentionDecoder } from '../src/tracker/attention-decoder.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { ShapeVariantRunner } from '../src/tracker/shape-variant-runner.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker } from '../src/tracker/tracker.js';

const FRAMES = 12;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-merged-decoder-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Track {
  boxes: Box[];
  masks: Float32Array[];
  usage?: Record<string, number>;
  notes: string[];
}

/** Tracks FRAMES frames with the two modules, or with them merged into one session. */
async function track(merge: boolean, shapeVariant: ShapeVariant = 'original', frames = FRAMES): Promise<Track> {
  const files = await moduleFiles(dir);
  const stacks = parseStackSpec('ort-cpu');
  const options = { threads: 1, shapeVariant };
  const runners = await openModules(files, stacks, options);
  const merged = merge ? await openAttentionDecoder(files, stacks, runners, options) : undefined;
  try {
    const tracker = createTracker({
      modules: runners,
      options: { hostWorker: false },
      ...(merged === undefined ? {} : { attentionDecoder: merged }),
    });
    const video = new SyntheticVideo({ width: 160, height: 120, seed: 4 });
    const out: Track = { boxes: [], masks: [], notes: [] };
    for (let i = 0; i < frames; i += 1) {
      const frame = video.frame(i);
      const r = i === 0 ? await tracker.init(frame, video.box(0)) : await tracker.track(frame);
      out.boxes.push(r.box);
      out.masks.push(Float32Array.from(r.maskLogits));
      if (i > 0 && merge) expect(r.timings.mask_decoder, `mask_decoder stage of frame ${i}`).toBe(0);
    }
    out.notes = [...tracker.notes];
    if (merged instanceof ShapeVariantRunner) out.usage = merged.usage();
    await tracker.dispose();
    return out;
  } finally {
    await merged?.deactivate();
    await closeModules(runners);
  }
}

/** Largest |a - b| over two tracks' masks. */
function worstMaskDiff(a: Track, b: Track): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.masks.length, b.masks.length); i += 1) {
    for (let k = 0; k < a.masks[i]!.length; k += 1) {
      worst = Math.max(worst, Math.abs(a.masks[i]![k]! - b.masks[i]![k]!));
    }
  }
  return worst;
}

describe('memory_attention and mask_decoder merged into one session (tiny zoo, ort-cpu)', () => {
  let twoModules: Track;
  beforeAll(async () => {
    twoModules = await track(false);
  }, 60_000);

  it('tracks as the two modules do: same boxes, masks equal to float32 rounding', async () => {
    const merged = await track(true);
    expect(merged.boxes).toEqual(twoModules.boxes);
    // Same kernels on the same values; ONNX Runtime may fuse across the seam, so the last bits may differ.
    expect(worstMaskDiff(merged, twoModules)).toBeLessThan(1e-3);
    expect(merged.notes.some((n) => n.startsWith('memory_attention and mask_decoder merged into one graph'))).toBe(
      true,
    );
  }, 60_000);

  it.each([
    'pinned',
    'static',
  ] as const)('with %s shapes: the full-bank session of both modules serves the loop once the bank is full', async (variant) => {
    // The bank is full (7 frame memories, 16 pointers) from frame 16 on: 20 frames reach it.
    const frames = 20;
    const merged = await track(true, variant, frames);
    expect(merged.boxes.slice(0, FRAMES)).toEqual(twoModules.boxes);
    expect(worstMaskDiff(merged, twoModules)).toBeLessThan(1e-3);
    const usage = merged.usage!;
    const bound = Object.entries(usage).filter(([key]) => key !== 'dynamic');
    expect(bound).toHaveLength(1);
    expect(bound[0]![1]).toBeGreaterThanOrEqual(4);
    expect(usage.dynamic! + bound[0]![1]).toBe(frames - 1);
  }, 120_000);

  it('runPipeline mergeDecoder: same boxes, the merged run timed as memory_attention, mergedDecoder in the result', async () => {
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
    const merged = await runPipeline({ ...options, mergeDecoder: true });
    expect(merged.boxes).toEqual(plain.boxes);
    expect(merged.result.mergedDecoder).toBe(true);
    expect(plain.result.mergedDecoder).toBeUndefined();
    expect(merged.result.perStage.mask_decoder!.p50Ms).toBe(0);
    expect(merged.result.perStage.memory_attention!.p50Ms).toBeGreaterThan(0);
    // Isolated: memory_attention is the merged session on the loop's feeds; mask_decoder is not timed apart.
    expect(merged.modules.map((m) => m.module)).toContain('memory_attention');
    expect(merged.modules.map((m) => m.module)).not.toContain('mask_decoder');
    expect(merged.result.isolatedSumMs).toBeGreaterThan(0);
  }, 120_000);

  it('merges a memory_attention already baked to the maps layout (graph-surgery bake --feature-layout)', async () => {
    const baked = await mkdtemp(join(tmpdir(), 'tamkit-merged-prebaked-'));
    try {
      await writeZoo(baked, { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
      const path = join(baked, 'memory_attention.onnx');
      const { model } = bakeModule(await readModel(path), {
        memoryLayout: false,
        featureLayout: { height: 32, width: 32 },
      });
      await writeModel(model, path);
      const files = await moduleFiles(baked);
      const stacks = parseStackSpec('ort-cpu');
      const runners = await openModules(files, stacks, { threads: 1 });
      try {
        const merged = await openAttentionDecoder(files, stacks, runners, { threads: 1 });
        expect(merged?.inputs.map((i) => i.name)).toContain('point_coords');
        await merged?.deactivate();
      } finally {
        await closeModules(runners);
      }
    } finally {
      await rm(baked, { recursive: true, force: true });
    }
  }, 60_000);

  it('says why it cannot merge when the two run on different stacks', async () => {
    const files = await moduleFiles(dir);
    const stacks = { ...parseStackSpec('ort-cpu'), mask_decoder: 'ort-webgpu' as const };
    const notes: string[] = [];
    const runners = await openModules(files, parseStackSpec('ort-cpu'), { threads: 1 });
    try {
      const merged = await openAttentionDecoder(files, stacks, runners, { onNote: (n) => notes.push(n) });
      expect(merged).toBeUndefined();
      expect(notes).toEqual(['memory_attention and mask_decoder run as two modules (they run on different stacks)']);
    } finally {
      await closeModules(runners);
    }
  }, 60_000);
});
