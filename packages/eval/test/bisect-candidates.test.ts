import { buildZoo, type ModelProto } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { findCandidates, PRECISION_RELEVANT_OPS } from '../src/bisect/candidates.js';

describe('findCandidates on the tiny image encoder', () => {
  const model = buildZoo({ model: 'efficienttam-ti', size: 'tiny', seed: 0, modules: ['image_encoder'] }).modules
    .image_encoder as ModelProto;
  const opOf = new Map(model.graph!.node.map((n) => [n.name ?? '', n.opType ?? '']));
  const candidates = findCandidates(model);

  it('groups each attention score computation (scores MatMul to values MatMul) into one candidate', () => {
    const attention = candidates.filter((c) => c.kind === 'attention');
    expect(attention.length).toBeGreaterThan(0);
    for (const c of attention) {
      const ops = c.nodes.map((n) => opOf.get(n));
      expect(ops).toContain('Softmax');
      expect(ops.filter((o) => o === 'MatMul')).toHaveLength(2);
    }
  });

  it('groups each decomposed LayerNorm chain, Pow included, into one candidate', () => {
    const chains = candidates.filter((c) => c.kind === 'normalization' && c.nodes.length > 1);
    expect(chains.length).toBeGreaterThan(0);
    for (const c of chains) expect(c.nodes.map((n) => opOf.get(n))).toContain('Pow');
  });

  it('leaves shape arithmetic out and lists every node at most once', () => {
    const all = candidates.flatMap((c) => c.nodes);
    expect(new Set(all).size).toBe(all.length);
    for (const c of candidates.filter((x) => x.kind === 'node')) {
      expect(PRECISION_RELEVANT_OPS).toContain(opOf.get(c.nodes[0]!));
    }
    expect(all.some((n) => ['Shape', 'Gather', 'Concat', 'Unsqueeze', 'Constant'].includes(opOf.get(n)!))).toBe(false);
    expect(candidates.length).toBeLessThan(model.graph!.node.length / 4);
  });

  it('lists candidates in topological order of their first node', () => {
    const order = new Map(model.graph!.node.map((n, i) => [n.name ?? '', i]));
    const firsts = candidates.map((c) => order.get(c.nodes[0]!)!);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  it('makes every node its own candidate when grouping is off', () => {
    const flat = findCandidates(model, { groupAttention: false, groupNormalization: false });
    expect(flat.every((c) => c.kind === 'node' && c.nodes.length === 1)).toBe(true);
    expect(flat.length).toBeGreaterThan(candidates.length);
  });
});
