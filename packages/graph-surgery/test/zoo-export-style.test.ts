/**
 * The zoo's default `export` style against the reference export of EfficientTAM-Ti 512 (torch 2.11,
 * opset 17, TorchScript exporter): node counts, op histograms, attention and normalisation forms, placeholder
 * output dims, and outputs equal to the `clean` style's for the same seed.
 */
import { describe, expect, it } from 'vitest';
import {
  buildZoo,
  EFFICIENTTAM_MODULES,
  type EfficientTamModule,
  encodeModel,
  findAttentionScores,
  findNormalizations,
  type ModelProto,
  type ZooSize,
  type ZooStyle,
} from '../src/index.js';
import { feedsFor } from './helpers/bake-checks.js';
import { graphOf, maxScaledDiff, runModel } from './helpers/ort-feeds.js';
import { histogramDistance, opHistogram, REAL_EXPORT, REAL_NORMS } from './helpers/real-export.js';
import { skipFullSize, ZOO_DIMS } from './helpers/zoo.js';

const built = new Map<string, Partial<Record<EfficientTamModule, ModelProto>>>();
function zoo(size: ZooSize, style: ZooStyle) {
  const key = `${size}/${style}`;
  if (!built.has(key)) built.set(key, buildZoo({ model: 'efficienttam-ti', size, seed: 3, style }).modules);
  return built.get(key)!;
}
const moduleOf = (size: ZooSize, style: ZooStyle, name: EfficientTamModule) => zoo(size, style)[name]!;

describe('export style (full size) against the real export', () => {
  for (const name of EFFICIENTTAM_MODULES) {
    const real = REAL_EXPORT[name]!;

    it(`${name}: node count within 10% of ${real.nodes}, the same op types, histogram within 8%`, () => {
      const nodes = graphOf(moduleOf('full', 'export', name)).node;
      const ops = opHistogram(nodes);
      expect(Math.abs(nodes.length / real.nodes - 1)).toBeLessThan(0.1);
      expect(Object.keys(ops).sort()).toEqual(Object.keys(real.ops).sort());
      expect(histogramDistance(ops, real)).toBeLessThan(0.08);
    });

    it(`${name}: closer to the real export than the clean style`, () => {
      const distance = (style: ZooStyle) =>
        histogramDistance(opHistogram(graphOf(moduleOf('full', style, name)).node), real);
      expect(distance('export')).toBeLessThan(distance('clean'));
    });

    it(`${name}: the pattern finders see the real export's Softmax, LayerNormalization and LayerNorm2d counts`, () => {
      const graph = graphOf(moduleOf('full', 'export', name));
      const norms = findNormalizations(graph);
      const attention = findAttentionScores(graph);
      expect(attention).toHaveLength(REAL_NORMS[name]!.softmax);
      // Every attention is the SDPA form: q and k pre-scaled by sqrt of a scale computed from shapes.
      for (const m of attention) expect(m.form).toBe('prescaled-qk');
      expect(norms.filter((m) => m.kind === 'LayerNormalization')).toHaveLength(REAL_NORMS[name]!.layerNorm);
      expect(norms.filter((m) => m.kind === 'decomposed')).toHaveLength(REAL_NORMS[name]!.decomposed);
    });

    it(`${name}: outputs declare the exporter's placeholder dims; the clean style declares sizes`, () => {
      for (const output of graphOf(moduleOf('full', 'export', name)).output) {
        const dims = output.type?.tensorType?.shape?.dim ?? [];
        expect(dims.length).toBeGreaterThan(0);
        dims.forEach((d, i) => {
          expect(d.dimValue).toBeUndefined();
          expect(d.dimParam).toMatch(new RegExp(`^[A-Z][A-Za-z]+${output.name}_dim_${i}$`));
        });
      }
      for (const output of graphOf(moduleOf('full', 'clean', name)).output)
        for (const d of output.type?.tensorType?.shape?.dim ?? []) expect(d.dimValue).toBeDefined();
    });
  }

  it('names the low-res masks output as the reference does (a Cast from .float())', () => {
    const masks = graphOf(moduleOf('full', 'export', 'mask_decoder')).output.find((o) => o.name === 'low_res_masks');
    expect(masks?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('Castlow_res_masks_dim_0');
  });

  it('computes the attention scale from shapes (Shape -> Slice -> Cast -> Sqrt -> Div -> Cast -> Sqrt)', () => {
    const graph = graphOf(moduleOf('full', 'export', 'memory_attention'));
    const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
    for (const match of findAttentionScores(graph)) {
      const chain: string[] = [];
      let node = producer.get(graph.node.find((n) => n.name === match.queryScale)!.input[1]!);
      while (node && chain.length < 10) {
        chain.unshift(node.opType!);
        if (node.opType === 'Shape') break;
        node = producer.get(node.input[node.opType === 'Div' ? 1 : 0]!);
      }
      expect(chain).toEqual(['Shape', 'Slice', 'Cast', 'Sqrt', 'Div', 'Cast', 'Sqrt']);
    }
  });

  it('keeps torch-style node names, unique within each module', () => {
    for (const name of EFFICIENTTAM_MODULES) {
      const names = graphOf(moduleOf('full', 'export', name)).node.map((n) => n.name!);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(/^\/[\w./-]+$/);
    }
  });
});

describe('export style: same seed, same bytes; same weights as the clean style', () => {
  it('gives byte-identical files for one seed (tiny) and the clean style the same initializers', () => {
    const again = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 3 }).modules;
    for (const name of EFFICIENTTAM_MODULES) {
      expect(
        Buffer.from(encodeModel(again[name]!)).equals(Buffer.from(encodeModel(moduleOf('tiny', 'export', name)))),
      ).toBe(true);
      const weights = (style: ZooStyle) =>
        new Map(graphOf(moduleOf('tiny', style, name)).initializer.map((t) => [t.name, t.rawData]));
      const exported = weights('export');
      for (const [tensor, data] of weights('clean')) expect(exported.get(tensor)).toEqual(data);
    }
  });
});

describe('export and clean styles compute the same outputs for the same seed', () => {
  for (const size of ['tiny', 'full'] as const) {
    for (const name of EFFICIENTTAM_MODULES) {
      it.skipIf(skipFullSize(size, name))(`${name} (${size})`, async () => {
        const exported = moduleOf(size, 'export', name);
        const feeds = feedsFor(exported, ZOO_DIMS);
        const a = await runModel(exported, feeds);
        const b = await runModel(moduleOf(size, 'clean', name), feeds);
        expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
        for (const k of Object.keys(a)) {
          expect(a[k]!.dims).toEqual(b[k]!.dims);
          expect(maxScaledDiff(a[k]!.data, b[k]!.data)).toBeLessThan(1e-5);
        }
      });
    }
  }
});

describe('inspect on the export style', () => {
  it('counts the same FLOPs for every module as on the clean style, every compute node resolved', () => {
    const exported = buildZoo({ model: 'efficienttam-ti', size: 'full', seed: 3 }).manifest.modules;
    const clean = buildZoo({ model: 'efficienttam-ti', size: 'full', seed: 3, style: 'clean' }).manifest.modules;
    for (const m of exported) expect(m.flops.unresolved, m.name).toEqual([]);
    // One difference is real: the clean style picks the object-pointer token with a one-hot MatMul
    // ([1,1,3] x [1,3,256], 1536 FLOP) that the export style lowers to Flatten + Gather, as torch does.
    const onehotPick = 2 * 3 * 256;
    expect(exported.map((m) => m.flops.total + (m.name === 'mask_decoder' ? onehotPick : 0))).toEqual(
      clean.map((m) => m.flops.total),
    );
  });
});
