import { describe, expect, it } from 'vitest';
import {
  bakeModule,
  convertToFloat16,
  DataType,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  inferElemTypes,
  insertFp32Islands,
  type ModelProto,
  probeTensors,
} from '../src/index.js';
import { feedsFor } from './helpers/bake-checks.js';
import { graphOf, relativeL2, runModel } from './helpers/ort-feeds.js';
import { halfFeeds, ZOO_DIMS, zooModule, zooModules } from './helpers/zoo.js';

/** Islands for the patterns each module has (memory_encoder has no attention). */
const ISLANDS = ['attention-scores', 'layernorm'];
const islandsFor = (module: string) => (module === 'memory_encoder' ? ['layernorm'] : ISLANDS);

/** Relative L2 error of every output (||a - b|| / ||b||): the FP16 tolerance metric of these tests. */
async function errors(model: ModelProto, reference: ModelProto, feeds = feedsFor(reference, ZOO_DIMS), half = false) {
  const expected = await runModel(reference, feeds);
  // onnxruntime-node 1.30 segfaults creating the FP16 memory_attention session at optimisation level 'all';
  // 'extended' runs it.
  const out = await runModel(model, half ? halfFeeds(feeds) : feeds, { optimization: half ? 'extended' : 'all' });
  return Object.keys(expected).map((k) => relativeL2(out[k]?.data ?? [], expected[k]?.data ?? []));
}

for (const size of ['tiny', 'full'] as const) {
  describe(`FP16 on the ${size} zoo without outliers`, () => {
    for (const module of EFFICIENTTAM_MODULES) {
      it(`${module}: native FP16 outputs within 1e-2 relative L2 of FP32`, async () => {
        const model = zooModule(size, module);
        const { model: half } = convertToFloat16(model);
        for (const e of await errors(half, model, undefined, true)) expect(e).toBeLessThan(1e-2);
      });
    }
  });

  describe(`FP32 islands on the ${size} zoo with outliers`, () => {
    it('image_encoder: emulated FP16 is broken, with attention/normalisation islands it is close to FP32', async () => {
      const model = zooModules(size, true, ['image_encoder']).image_encoder!;
      const { model: emulated } = emulateFloat16(model);
      const { model: islands } = emulateFloat16(model, { exceptPatterns: ISLANDS });
      const feeds = feedsFor(model, ZOO_DIMS);
      const broken = await errors(emulated, model, feeds);
      const repaired = await errors(islands, model, feeds);
      expect(Math.max(...broken)).toBeGreaterThan(0.5);
      for (const e of repaired) expect(e).toBeLessThan(1e-2);
    });
  });
}

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

describe('pass speed on the full zoo', () => {
  it('every pass on every full-size module takes under 2 s', () => {
    const timings: Record<string, Record<string, number>> = {};
    const time = (f: () => unknown) => {
      const t = performance.now();
      f();
      return Math.round(performance.now() - t);
    };
    for (const module of EFFICIENTTAM_MODULES) {
      const model = zooModule('full', module);
      const half = convertToFloat16(model).model;
      const row: Record<string, number> = {
        fp16: time(() => convertToFloat16(model)),
        'fp32-islands': time(() => insertFp32Islands(half, { patterns: islandsFor(module) })),
        'emulate-fp16': time(() => emulateFloat16(model, { fusedAttention: true })),
        probe: time(() => probeTensors(model, { pattern: 'layernorm' })),
      };
      if (module !== 'memory_encoder') row.bake = time(() => bakeModule(model, { maskBox: true }));
      timings[module] = row;
    }
    console.info(`pass timings on the full zoo (ms): ${JSON.stringify(timings)}`);
    for (const row of Object.values(timings)) for (const ms of Object.values(row)) expect(ms).toBeLessThan(2000);
  });
});
