import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { setCrashProbeDefault } from '../src/stacks/ort/crash-probe-setting.js';
import type { ShapeVariant } from '../src/stacks/shape-variant.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { ShapeVariantRunner } from '../src/tracker/shape-variant-runner.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker } from '../src/tracker/tracker.js';
import { maxRelativeDiff } from './helpers/numeric.js';

// The tiny zoo in its default export style (symbolic num_mem_tokens / num_points, run-time shape arithmetic).
// Full bank there: 7 frames x 1024 tokens + 16 pointers x (32 / 16) tokens = 7200.
const FRAMES = 22;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-shape-variants-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 5 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Track {
  boxes: Box[];
  masks: Float32Array[];
  usage: Record<string, Record<string, number>>;
}

async function track(variant: ShapeVariant, layoutInGraph = true): Promise<Track> {
  const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), {
    threads: 1,
    shapeVariant: variant,
    layoutInGraph,
  });
  // The layout edit is on by default: memory_attention then takes the image maps as they are.
  const curr = runners.memory_attention.inputs.find((i) => i.name === 'curr')!;
  expect(curr.shape).toEqual(layoutInGraph ? [1, 32, 32, 32] : [1024, 1, 32]);
  try {
    const tracker = createTracker({ modules: runners, options: { hostWorker: false } });
    const video = new SyntheticVideo({ width: 160, height: 120, seed: 4 });
    const out: Track = { boxes: [], masks: [], usage: {} };
    for (let i = 0; i < FRAMES; i += 1) {
      const r = i === 0 ? await tracker.init(video.frame(0), video.box(0)) : await tracker.track(video.frame(i));
      out.boxes.push(r.box);
      out.masks.push(Float32Array.from(r.maskLogits));
    }
    await tracker.dispose();
    for (const [m, r] of Object.entries(runners)) if (r instanceof ShapeVariantRunner) out.usage[m] = r.usage();
    return out;
  } finally {
    await closeModules(runners);
  }
}

let original: Track;
beforeAll(async () => {
  original = await track('original');
}, 60_000);

describe('shape variants in the tracking loop (tiny export-style zoo, ort-cpu)', () => {
  for (const variant of ['pinned', 'static'] as const) {
    it(`${variant}: masks and boxes match the original model's over ${FRAMES} frames`, async () => {
      const run = await track(variant);
      for (let i = 0; i < FRAMES; i += 1) {
        expect(maxRelativeDiff(run.masks[i]!, original.masks[i]!), `frame ${i}`).toBeLessThan(1e-5);
        for (let k = 0; k < 4; k += 1) {
          expect(run.boxes[i]![k], `frame ${i} box[${k}]`).toBeCloseTo(original.boxes[i]![k]!, 3);
        }
      }
    }, 60_000);

    it(`${variant}: memory_attention runs the fixed full-bank session once the bank is full`, async () => {
      const run = await track(variant);
      const usage = run.usage.memory_attention!;
      const full = 'memory=7200x1x16, memory_pos=7200x1x16';
      const key = Object.keys(usage).find((k) => k.startsWith(full));
      expect(key, JSON.stringify(usage)).toBeDefined();
      // Frames 1..15 fill the bank (7 frames by frame 6, 16 pointers by frame 15): frames 16..21 are full.
      expect(usage[key!]).toBe(FRAMES - 16);
      expect(usage.dynamic).toBe(15);
      if (variant === 'static') expect(key).toContain('num_obj_ptr_tokens=32');
      // mask_decoder: the prompt frame (2 points) runs the dynamic model, tracking frames the one-point session.
      expect(Object.values(run.usage.mask_decoder!).sort()).toEqual([1, FRAMES - 1].sort());
      // memory_encoder takes the decoder's low-res logits: the export declares them with placeholder dims, so the
      // size comes from the decoder's graph (inferredLowResSize), and every frame runs the bound session.
      expect(run.usage.memory_encoder).toEqual({ dynamic: 0, 'mask_for_mem_logits=1x1x128x128': FRAMES - 1 });
    }, 60_000);
  }

  it("memory_attention in the image maps' layout (the default) tracks bit for bit as in its exported layout", async () => {
    const exported = await track('original', false);
    for (let i = 0; i < FRAMES; i += 1) {
      expect(original.masks[i], `frame ${i}`).toEqual(exported.masks[i]);
      expect(original.boxes[i]).toEqual(exported.boxes[i]);
    }
  }, 60_000);

  it('static: modules with one input shape run specialised outright', async () => {
    const run = await track('static');
    expect(run.usage.image_encoder).toEqual({ specialised: FRAMES });
  }, 60_000);

  it("pinned, with the crash probe on (the CLIs' default): each bound session is probed with its own binding", async () => {
    // Generic feeds (pointer tokens 0) do not fit a session pinned to the full bank: its RoPE reshape of the
    // memory without the pointer tokens fails. The probe must feed the binding's num_obj_ptr_tokens.
    setCrashProbeDefault(true);
    try {
      const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), {
        threads: 1,
        shapeVariant: 'pinned',
      });
      await closeModules(runners);
    } finally {
      setCrashProbeDefault(false);
    }
  }, 120_000);
});
