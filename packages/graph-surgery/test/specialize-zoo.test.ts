/**
 * `specializeModel` on the zoo's four modules at the tracker's shapes (full memory bank: 7 frames and 16
 * pointers; one pad point, and a box's two), plain, baked and FP16: outputs bit-identical to ONNX Runtime's CPU
 * provider on the original with the same inputs, no shape arithmetic left, concrete declared shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  bakeModule,
  convertToFloat16,
  EFFICIENTTAM_MODULES,
  type EfficientTamModule,
  type ModelProto,
  specializeModel,
  type ZooSize,
} from '../src/index.js';
import { graphOf, maxScaledDiff } from './helpers/ort-feeds.js';
import {
  boundFeeds,
  differingOutputs,
  expectSameBits,
  exposeTensors,
  keptTensors,
  modelHash,
  runBoth,
  runRaw,
  trackerBindings,
} from './helpers/specialize-checks.js';
import { skipFullSize, zooModule } from './helpers/zoo.js';

const SHAPE_ARITHMETIC = ['Shape', 'Size', 'ConstantOfShape', 'Range', 'Constant'];

/** Structural promises: nothing left that computes shapes, every declared I/O dim concrete, the input untouched. */
async function specializeChecked(model: ModelProto, module: EfficientTamModule, size: ZooSize, numPoints = 1) {
  const before = modelHash(model);
  const options = trackerBindings(size, numPoints)[module]!;
  const { model: out, report } = await specializeModel(model, options);
  expect(modelHash(model)).toBe(before);
  const again = await specializeModel(model, options);
  expect(modelHash(again.model)).toBe(modelHash(out));
  const g = graphOf(out);
  expect(g.node.filter((n) => SHAPE_ARITHMETIC.includes(n.opType ?? '')).map((n) => n.name)).toEqual([]);
  for (const v of [...g.input, ...g.output])
    for (const d of v.type?.tensorType?.shape?.dim ?? [])
      expect(d.dimValue, `${v.name} has a symbolic dim`).toBeDefined();
  expect(report.nodes).toEqual({ before: graphOf(model).node.length, after: g.node.length });
  const after = Object.values(report.ops).reduce((s, c) => s + c.after, 0);
  expect(after).toBe(g.node.length);
  expect(report.nodes.after).toBeLessThan(report.nodes.before * 0.6);
  return { out, report, options };
}

describe.each(EFFICIENTTAM_MODULES)('specializeModel on the tiny zoo: %s', (module) => {
  it('keeps the outputs bit-identical (optimisation off) and within float rounding at level all', async () => {
    const model = zooModule('tiny', module);
    const { out, report, options } = await specializeChecked(model, module, 'tiny');
    const feeds = boundFeeds(model, options);
    const [a, b] = await runBoth(model, out, feeds, 'disabled');
    expectSameBits(b, a, module);
    // At level all ONNX Runtime fuses more once shapes are static (MatMul+Add to Gemm, SkipLayerNormalization,
    // scale into FusedMatMul): same function, summed in another order.
    const [c, d] = await runBoth(model, out, feeds, 'all');
    for (const [name, value] of Object.entries(c)) expect(maxScaledDiff(d[name]!.data, value.data)).toBeLessThan(1e-5);
    if (module === 'memory_attention') expect(report.removedInputs).toEqual(['num_obj_ptr_tokens']);
  });

  it('keeps a baked module bit-identical', async () => {
    if (module === 'memory_encoder') return; // memory_encoder has no bakes
    const baked = bakeModule(zooModule('tiny', module), { maskBox: true }).model;
    const options = trackerBindings('tiny')[module]!;
    const { model: out } = await specializeModel(baked, options);
    const [a, b] = await runBoth(baked, out, boundFeeds(baked, options), 'disabled');
    expectSameBits(b, a, `baked ${module}`);
  });

  it('keeps an FP16 module bit-identical node by node, and folds no FP16 arithmetic', async () => {
    const half = convertToFloat16(zooModule('tiny', module)).model;
    const options = trackerBindings('tiny')[module]!;
    const { model: out, report } = await specializeModel(half, options);
    expect(graphOf(out).node.filter((n) => n.opType === 'Shape')).toEqual([]);
    for (const kept of report.kept) expect(kept.reason).toMatch(/FLOAT16/);
    const every = keptTensors(out);
    const feeds = boundFeeds(half, options);
    const a = await runRaw(exposeTensors(half, every), feeds, 'disabled');
    const b = await runRaw(exposeTensors(out, every), feeds, 'disabled');
    expect(Object.keys(b).length).toBe(every.length + graphOf(out).output.length - countOutputsIn(out, every));
    expect(differingOutputs(a, b)).toEqual([]);
  });
});

describe('specializeModel on the tiny zoo, other shapes', () => {
  it('a box prompt (two points) on mask_decoder', async () => {
    const model = zooModule('tiny', 'mask_decoder');
    const { out, options } = await specializeChecked(model, 'mask_decoder', 'tiny', 2);
    const [a, b] = await runBoth(model, out, boundFeeds(model, options), 'disabled');
    expectSameBits(b, a, 'mask_decoder with two points');
  });
});

describe.each(EFFICIENTTAM_MODULES)('specializeModel on the full zoo: %s', (module) => {
  it('keeps the outputs bit-identical', async () => {
    if (skipFullSize('full', module)) return;
    const model = zooModule('full', module);
    const { out, options } = await specializeChecked(model, module, 'full');
    const [a, b] = await runBoth(model, out, boundFeeds(model, options), 'disabled');
    expectSameBits(b, a, module);
  });
});

const countOutputsIn = (model: ModelProto, tensors: string[]) =>
  graphOf(model).output.filter((o) => tensors.includes(o.name ?? '')).length;
