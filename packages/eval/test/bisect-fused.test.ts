import { join } from 'node:path';
import { fuseForOrt, readModel, writeModel, writeZoo, type ZooManifest } from '@tamkit/graph-surgery';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCandidates } from '../src/bisect/candidates.js';
import { type BisectReport, bisectModels } from '../src/bisect/run-bisect.js';
import { tempDir } from './helpers.js';

// The same outlier zoo as bisect-zoo.test.ts, with its image encoder through `graph-surgery fuse`: bisection must
// work on ORT's fused ops (Gelu, BiasGelu, LayerNormalization made of LayerNorm2d) as on the exported graph.
describe('bisect on a fused image encoder (tiny zoo with outliers, ort-cpu, FP16 emulation)', () => {
  let zoo: string;
  let manifest: ZooManifest;
  let report: BisectReport;

  beforeAll(async () => {
    zoo = join(await tempDir('tamkit-bisect-fused-'), 'zoo');
    manifest = await writeZoo(zoo, { model: 'efficienttam-ti', size: 'tiny', seed: 0, outliers: true });
    const file = join(zoo, 'image_encoder.onnx');
    await writeModel(fuseForOrt(await readModel(file)).model, file);
    report = await bisectModels({ models: zoo, stack: 'ort-cpu', modules: ['image_encoder'], timedRuns: 1 });
  });

  it('offers the fused ops as candidates: GELUs as nodes, layer norms as normalisation groups', async () => {
    const model = await readModel(join(zoo, 'image_encoder.onnx'));
    const candidates = findCandidates(model);
    const ops = new Map(model.graph!.node.map((n) => [n.name ?? '', n.opType ?? '']));
    const kinds = candidates.map((c) => `${c.kind}:${ops.get(c.nodes.at(-1)!)}`);
    expect(kinds).toContain('node:BiasGelu');
    expect(kinds).toContain('normalization:LayerNormalization');
  });

  it('still finds the planted attention-logit outliers and brings the module within tolerance', () => {
    const [ie] = report.modules;
    expect(ie?.fp16.meetsTolerance).toBe(false);
    expect(ie?.layers?.status).toBe('found');
    const planted = manifest.modules
      .find((m) => m.name === 'image_encoder')!
      .plantedOutliers.filter((p) => p.kind === 'attention-logits');
    for (const p of planted) expect(ie!.layers!.fp32Nodes).toContain(p.node);
    expect(ie!.layers!.worstRelativeL2).toBeLessThanOrEqual(report.tolerance.relativeL2!);
    // Fused, the neck's LayerNorm2d squares live inside one LayerNormalization: no tensor overflows there.
    const squares = manifest.modules[0]!.plantedOutliers.filter((p) => p.kind === 'sum-of-squares');
    for (const p of squares) expect(ie!.layers!.fp32Nodes).not.toContain(p.node);
  });
});
