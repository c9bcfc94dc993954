import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { bakeMemoryMask, decodeModel, encodeModel, MEMORY_MASK_INPUTS, writeZoo } from '@tamkit/graph-surgery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeeds } from '../src/measure/inputs.js';
import { resolveInputShapes } from '../src/measure/shapes.js';
import { SyntheticVideo } from '../src/pipeline/synthetic-video.js';
import { loadOrt } from '../src/stacks/ort/load-ort.js';
import { getStack } from '../src/stacks/registry.js';
import { BilinearResizer } from '../src/tracker/bilinear.js';
import type { Box } from '../src/tracker/mask-box.js';
import { moduleFiles } from '../src/tracker/module-files.js';
import { closeModules, openModules } from '../src/tracker/open-modules.js';
import { parseStackSpec } from '../src/tracker/stack-spec.js';
import { createTracker } from '../src/tracker/tracker.js';
import { maxRelativeDiff } from './helpers/numeric.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tamkit-memory-mask-'));
  await writeZoo(dir, { model: 'efficienttam-ti', size: 'tiny', seed: 11 });
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bakeMemoryMask: the memory encoder makes its mask from the logits in its graph', () => {
  it("agrees on ort-cpu with the exported encoder fed the host's upsampled sigmoid mask", async () => {
    const original = join(dir, 'memory_encoder.onnx');
    const { model, report } = bakeMemoryMask(decodeModel(await readFile(original)));
    const baked = join(dir, 'memory_encoder.mask-baked.onnx');
    await writeFile(baked, encodeModel(model));
    const [side] = report.size;
    const plain = getStack('ort-cpu').createWith({ threads: 1 });
    const inGraph = getStack('ort-cpu').createWith({ threads: 1 });
    await plain.activate(original);
    await inGraph.activate(baked);
    try {
      expect(inGraph.inputs.map((i) => i.name).sort()).toEqual(
        [report.logits, MEMORY_MASK_INPUTS.bias, MEMORY_MASK_INPUTS.scale, ...plain.inputs.map((i) => i.name)]
          .filter((n) => n !== report.input)
          .sort(),
      );
      const ort = await loadOrt();
      const feeds = await generateFeeds(plain.inputs, resolveInputShapes(plain.inputs), 3);
      const pixFeat = plain.inputs.find((i) => i.name !== report.input)!.name;
      // Low-res logits as the decoder gives them: a blob of positive logits in a negative field.
      const low = 32;
      const logits = Float32Array.from({ length: low * low }, (_, i) => {
        const y = Math.floor(i / low) - 12;
        const x = (i % low) - 14;
        return 8 - 0.15 * (x * x + y * y);
      });
      const [scale, bias] = [20, -10];
      const mask = new Float32Array(side * side);
      new BilinearResizer(low, low, side, side).toMaskForMem(logits, mask, scale, bias);
      const expected = await plain.infer({
        ...feeds,
        [report.input]: new ort.Tensor('float32', mask, [1, 1, side, side]),
      });
      const got = await inGraph.infer({
        [pixFeat]: feeds[pixFeat]!,
        [report.logits]: new ort.Tensor('float32', logits, [1, 1, low, low]),
        [MEMORY_MASK_INPUTS.scale]: new ort.Tensor('float32', Float32Array.of(scale), []),
        [MEMORY_MASK_INPUTS.bias]: new ort.Tensor('float32', Float32Array.of(bias), []),
      });
      for (const [name, tensor] of Object.entries(expected)) {
        expect(maxRelativeDiff(got[name]!.data as Float32Array, tensor.data as Float32Array), name).toBeLessThan(1e-5);
      }
    } finally {
      await plain.deactivate();
      await inGraph.deactivate();
    }
  }, 60_000);

  it('refuses a model baked already, and a model without a one-channel mask input', async () => {
    const model = decodeModel(await readFile(join(dir, 'memory_encoder.onnx')));
    const baked = bakeMemoryMask(model).model;
    expect(() => bakeMemoryMask(baked)).toThrow(ToolkitError);
    expect(() => bakeMemoryMask(baked)).toThrow(/already applied/);
    const encoder = decodeModel(await readFile(join(dir, 'image_encoder.onnx')));
    expect(() => bakeMemoryMask(encoder)).toThrow(/expected one float input \[1, 1, H, W\]/);
  });

  it('the tracker feeds the logits when the encoder is baked at load (default): same boxes, masks within 1e-4', async () => {
    const track = async (maskInGraph: boolean) => {
      const runners = await openModules(await moduleFiles(dir), parseStackSpec('ort-cpu'), { threads: 1, maskInGraph });
      try {
        expect(runners.memory_encoder.inputs.some((i) => i.name === MEMORY_MASK_INPUTS.scale)).toBe(maskInGraph);
        const tracker = createTracker({ modules: runners, options: { hostWorker: false } });
        const video = new SyntheticVideo({ width: 160, height: 120, seed: 6 });
        const out: { boxes: Box[]; masks: Float32Array[]; notes: readonly string[] } = {
          boxes: [],
          masks: [],
          notes: [],
        };
        for (let i = 0; i < 12; i += 1) {
          const r = i === 0 ? await tracker.init(video.frame(0), video.box(0)) : await tracker.track(video.frame(i));
          out.boxes.push(r.box);
          out.masks.push(Float32Array.from(r.maskLogits));
        }
        out.notes = tracker.notes;
        await tracker.dispose();
        return out;
      } finally {
        await closeModules(runners);
      }
    };
    const host = await track(false);
    const graph = await track(true);
    expect(graph.notes.some((n) => n.startsWith("memory_encoder's mask input is made in its graph"))).toBe(true);
    expect(host.notes.some((n) => n.startsWith("memory_encoder's mask input is made in its graph"))).toBe(false);
    for (let i = 0; i < 12; i += 1) {
      expect(graph.boxes[i], `box ${i}`).toEqual(host.boxes[i]);
      expect(maxRelativeDiff(graph.masks[i]!, host.masks[i]!), `mask ${i}`).toBeLessThan(1e-4);
    }
  }, 120_000);
});
