import { describe, expect, it } from 'vitest';
import { encodeModel, pinInputDims } from '../src/index.js';
import { zooModule } from './helpers/zoo.js';

const dimsOf = (model: ReturnType<typeof zooModule>, input: string) =>
  model
    .graph!.input.find((i) => i.name === input)!
    .type!.tensorType!.shape!.dim.map((d) => (d.dimParam === undefined ? Number(d.dimValue) : d.dimParam));

describe('pinInputDims (freeDimensionOverrides as a model edit)', () => {
  it('sets every graph-input dim of the named symbol to the size, leaving the input model and the nodes as they were', () => {
    const model = zooModule('tiny', 'memory_attention');
    const before = encodeModel(model);
    const { model: pinned, pinned: list } = pinInputDims(model, { num_mem_tokens: 2080 });
    expect(dimsOf(pinned, 'memory')).toEqual([2080, 1, 16]);
    expect(dimsOf(pinned, 'memory_pos')).toEqual([2080, 1, 16]);
    expect(list).toEqual(['memory[0] num_mem_tokens=2080', 'memory_pos[0] num_mem_tokens=2080']);
    expect(pinned.graph!.node.length).toBe(model.graph!.node.length);
    expect(encodeModel(model)).toEqual(before);
    expect(dimsOf(model, 'memory')).toEqual(['num_mem_tokens', 1, 16]);
  });

  it('leaves dims of other names alone and lists nothing when no name matches', () => {
    const { model: pinned, pinned: list } = pinInputDims(zooModule('tiny', 'mask_decoder'), { num_mem_tokens: 7 });
    expect(list).toEqual([]);
    expect(dimsOf(pinned, 'point_coords')).toEqual([1, 'num_points', 2]);
  });

  it('BAD CALL - refuses a size that is no non-negative integer, naming the dim', () => {
    expect(() => pinInputDims(zooModule('tiny', 'memory_attention'), { num_mem_tokens: 1.5 })).toThrow(
      /num_mem_tokens/,
    );
  });
});
