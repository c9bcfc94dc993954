import { describe, expect, it } from 'vitest';
import { findAttentionScores, findNormalizations } from '../src/index.js';
import { attentionModel } from './helpers/graphs.js';
import { graphOf } from './helpers/ort-feeds.js';

describe('findAttentionScores', () => {
  it('finds pre-scaled q and k as PyTorch 2.x exports scaled_dot_product_attention', () => {
    const model = attentionModel({ form: 'prescaled-qk' });
    const [m, ...rest] = findAttentionScores(model.graph!);
    expect(rest).toHaveLength(0);
    expect(m?.form).toBe('prescaled-qk');
    const byName = new Map(graphOf(model).node.map((n) => [n.name, n.opType]));
    expect(byName.get(m!.queryScale)).toBe('Mul');
    expect(byName.get(m!.keyScale)).toBe('Mul');
    expect(byName.get(m!.scoresMatMul)).toBe('MatMul');
    expect(byName.get(m!.softmax)).toBe('Softmax');
    expect(byName.get(m!.valuesMatMul)).toBe('MatMul');
    expect(m!.scale).toBeUndefined();
    expect(m!.nodes).toEqual([m!.queryScale, m!.keyScale, m!.scoresMatMul, m!.softmax, m!.valuesMatMul]);
  });

  it.each(['scaled-mul', 'scaled-div'] as const)('finds scaled scores (%s) with an additive mask', (form) => {
    const model = attentionModel({ form, mask: true });
    const [m] = findAttentionScores(model.graph!);
    const byName = new Map(graphOf(model).node.map((n) => [n.name, n.opType]));
    expect(m?.form).toBe('scaled-scores');
    expect(byName.get(m!.scale)).toBe(form === 'scaled-mul' ? 'Mul' : 'Div');
    expect(byName.get(m!.maskAdd)).toBe('Add');
    expect(m!.nodes).toHaveLength(5);
  });

  it('ignores a Softmax that does not feed a values MatMul', () => {
    const model = attentionModel({ form: 'scaled-mul' });
    const g = model.graph!;
    const softmax = g.node.find((n) => n.opType === 'Softmax')!;
    const values = g.node.find((n) => n.input[0] === softmax.output[0])!;
    values.opType = 'Add';
    expect(findAttentionScores(g)).toEqual([]);
  });
});

describe('findNormalizations', () => {
  it('finds LayerNormalization ops', () => {
    const [m, ...rest] = findNormalizations(attentionModel({ form: 'scaled-mul', norm: 'op' }).graph!);
    expect(rest).toHaveLength(0);
    expect(m?.kind).toBe('LayerNormalization');
  });

  it('finds the decomposed ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div chain with its affine part', () => {
    const model = attentionModel({ form: 'scaled-mul', norm: 'decomposed' });
    const [m, ...rest] = findNormalizations(model.graph!);
    expect(rest).toHaveLength(0);
    const ops = m!.nodes.map((n) => graphOf(model).node.find((x) => x.name === n)!.opType);
    expect(ops).toEqual(['ReduceMean', 'Sub', 'Pow', 'ReduceMean', 'Add', 'Sqrt', 'Div', 'Mul', 'Add']);
    const bias = graphOf(model).node.find((n) => n.name === m?.bias);
    expect(m?.output).toBe(bias?.output[0]);
  });
});
