import { describe, expect, it } from 'vitest';
import { keepNodePrefix, nodesInOrder, probeTensors } from '../src/index.js';
import { attentionModel } from './helpers/graphs.js';
import { graphOf, runModel, seededValues } from './helpers/ort-feeds.js';

const feeds = { x: { type: 'float32' as const, dims: [1, 8, 16], data: seededValues(128, 5) } };

describe('keepNodePrefix', () => {
  const model = attentionModel({ form: 'prescaled-qk', norm: 'decomposed', mask: true });
  const order = nodesInOrder(model);

  it('keeps the first nodes and exposes what they leave unread, with the values the whole model computes', async () => {
    const count = Math.floor(order.length / 2);
    const { model: prefix, lastNode } = keepNodePrefix(model, count);
    expect(lastNode.name).toBe(order[count - 1]!.name);
    expect(graphOf(prefix).node.map((n) => n.name)).toEqual(order.slice(0, count).map((n) => n.name));
    const outputs = graphOf(prefix).output.map((o) => o.name!);
    expect(outputs).toEqual(expect.arrayContaining(lastNode.output));
    // Every kept node runs: each one's outputs are read by a kept node or are graph outputs.
    const reads = new Set([...graphOf(prefix).node.flatMap((n) => n.input), ...outputs]);
    for (const n of graphOf(prefix).node) expect(n.output.some((o) => reads.has(o))).toBe(true);
    const got = await runModel(prefix, feeds);
    const whole = await runModel(probeTensors(model, { tensors: outputs }).model, feeds);
    for (const name of outputs) expect(got[name]!.data).toEqual(whole[name]!.data);
    expect(graphOf(model).node).toHaveLength(order.length);
  });

  it('is the whole model, outputs included, at the full count', async () => {
    const { model: prefix } = keepNodePrefix(model, order.length);
    expect((await runModel(prefix, feeds)).y!.data).toEqual((await runModel(model, feeds)).y!.data);
  });

  it('BAD CALL - a count outside [1, nodes] is a RangeError naming the range', () => {
    expect(() => keepNodePrefix(model, 0)).toThrow(RangeError);
    expect(() => keepNodePrefix(model, order.length + 1)).toThrow(`[1, ${order.length}]`);
  });
});
