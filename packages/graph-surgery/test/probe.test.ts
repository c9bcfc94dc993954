import { describe, expect, it } from 'vitest';
import { cloneMessage, DataType, encodeModel, findAttentionScores, makeValueInfo, probeTensors } from '../src/index.js';
import { attentionModel } from './helpers/graphs.js';
import { graphOf, runModel, seededValues } from './helpers/ort-feeds.js';

const feeds = { x: { type: 'float32' as const, dims: [1, 8, 16], data: seededValues(128, 5) } };

describe('probeTensors', () => {
  const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed', mask: true });

  it('exposes the attention logits and probabilities, leaving the original outputs bit-for-bit unchanged', async () => {
    const { model: probed, report } = probeTensors(model, { pattern: 'attention-scores' });
    const [att] = findAttentionScores(model.graph!);
    expect(report.probes.map((p) => p.tensor)).toEqual([att!.logits, att!.probabilities]);
    const original = await runModel(model, feeds);
    const out = await runModel(probed, feeds);
    expect(out.y!.data).toEqual(original.y!.data);
    // The same model, asked for those tensors as its outputs (built by hand, not by the pass).
    const direct = cloneMessage(model);
    graphOf(direct).output = report.probes.map((p) => makeValueInfo(p.tensor, DataType.FLOAT));
    const expected = await runModel(direct, feeds);
    for (const p of report.probes) expect(out[p.output]!.data).toEqual(expected[p.tensor]!.data);
    // Declared with the right rank and symbolic dims (the ONNX checker requires a shape on graph outputs).
    for (const p of report.probes) {
      const declared = graphOf(probed).output.find((o) => o.name === p.output)?.type?.tensorType?.shape?.dim;
      expect(declared?.map((d) => d.dimParam !== undefined)).toEqual([true, true, true]);
    }
  });

  it('probes named tensors, graph inputs and initializers (copied through Identity)', async () => {
    const { model: probed, report } = probeTensors(model, { tensors: ['x', 'wq', 'y'] });
    expect(report.alreadyOutputs).toEqual(['y']);
    const out = await runModel(probed, feeds);
    const x = report.probes.find((p) => p.tensor === 'x')!;
    expect(x.output).not.toBe('x');
    expect(out[x.output]!.data).toEqual(Float32Array.from(feeds.x.data));
    const wq = report.probes.find((p) => p.tensor === 'wq');
    expect(out[wq?.output ?? '']?.dims).toEqual([16, 16]);
  });

  it('refuses a missing tensor name and leaves the model unchanged', () => {
    const before = encodeModel(model);
    expect(() => probeTensors(model, { tensors: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'TENSOR_NOT_FOUND' }),
    );
    expect(() => probeTensors(model, {})).toThrow(expect.objectContaining({ code: 'PROBE_EMPTY' }));
    expect(encodeModel(model)).toEqual(before);
  });
});
