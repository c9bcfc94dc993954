import { describe, expect, it } from 'vitest';
import {
  buildZoo,
  convertToFloat16,
  DataType,
  inferElemTypes,
  insertFp32Islands,
  nodeNamesOfPattern,
  probeTensors,
} from '../src/index.js';
import { checkPreprocess, feedsFor } from './helpers/bake-checks.js';
import { graphOf, runModel } from './helpers/ort-feeds.js';
import { ZOO_DIMS, zooModule, zooModules } from './helpers/zoo.js';
import { bakeSuite, errors, ISLANDS, precisionSuite } from './helpers/zoo-suites.js';

bakeSuite('tiny');
precisionSuite('tiny');

describe('preprocess with resize on the tiny zoo', () => {
  it('resizes a 480x640 frame to 512x512 in the graph', async () => {
    await checkPreprocess(zooModule('tiny', 'image_encoder'), {}, [480, 640]);
  });
});

describe('native FP16 with FP32 islands on the tiny zoo with outliers', () => {
  it('image_encoder: attention scores and layer norms compute in FP32 and the model runs close to FP32', async () => {
    const model = zooModules('tiny', true, ['image_encoder']).image_encoder!;
    const { model: half } = convertToFloat16(model);
    const { model: islands, report } = insertFp32Islands(half, { patterns: ISLANDS });
    const types = inferElemTypes(graphOf(islands));
    const softmaxes = graphOf(islands).node.filter((n) => n.opType === 'Softmax');
    expect(softmaxes.length).toBeGreaterThan(0);
    for (const s of softmaxes) expect(types.get(s.output[0] ?? '')).toBe(DataType.FLOAT);
    expect(report.nodes.length).toBeGreaterThan(softmaxes.length);
    for (const e of await errors(islands, model, undefined, true)) expect(e).toBeLessThan(1e-2);
  });
});

describe('probe on the tiny zoo', () => {
  it('exposes every attention logits tensor without changing the original outputs', async () => {
    const model = zooModule('tiny', 'mask_decoder');
    const { model: probed, report } = probeTensors(model, { pattern: 'attention-scores' });
    expect(report.probes).toHaveLength(14);
    const feeds = feedsFor(model, ZOO_DIMS);
    const [original, out] = await Promise.all([runModel(model, feeds), runModel(probed, feeds)]);
    for (const [name, value] of Object.entries(original)) expect(out[name]?.data).toEqual(value.data);
  });
});

describe('island patterns and the zoo planted outliers', () => {
  it('attention-scores covers the planted logits outlier and layernorm the planted sum of squares', () => {
    const { modules, manifest } = buildZoo({
      model: 'efficienttam-ti',
      size: 'tiny',
      outliers: true,
      modules: ['image_encoder'],
    });
    const graph = graphOf(modules.image_encoder ?? {});
    const planted = manifest.modules.flatMap((m) => m.plantedOutliers);
    const attention = new Set(nodeNamesOfPattern(graph, 'attention-scores'));
    const norms = new Set(nodeNamesOfPattern(graph, 'layernorm'));
    const logits = planted.filter((p) => p.kind === 'attention-logits');
    const squares = planted.filter((p) => p.kind === 'sum-of-squares');
    expect(logits.length).toBeGreaterThan(0);
    expect(squares.length).toBeGreaterThan(0);
    for (const p of logits) expect(attention.has(p.node), p.node).toBe(true);
    for (const p of squares) expect(norms.has(p.node), p.node).toBe(true);
  });
});
