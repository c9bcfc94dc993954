import { recognizeModuleSignature } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { parseShapeSpecs, resolveInputShapes, type TensorInfo } from '../src/index.js';

const recogniseModule = (inputs: TensorInfo[]) => recognizeModuleSignature({ inputs })?.module;

const t = (name: string, shape: (number | string)[], type: TensorInfo['type'] = 'float32'): TensorInfo => ({
  name,
  type,
  shape,
});

describe('recogniseModule', () => {
  it('recognises the four modules of one exporter from shapes', () => {
    expect(recogniseModule([t('image', [1, 3, 512, 512])])).toBe('image_encoder');
    expect(
      recogniseModule([
        t('curr', [1024, 1, 256]),
        t('curr_pos', [1024, 1, 256]),
        t('memory', ['n', 1, 64]),
        t('memory_pos', ['n', 1, 64]),
      ]),
    ).toBe('memory_attention');
    expect(
      recogniseModule([
        t('image_embed', [1, 256, 32, 32]),
        t('point_coords', [1, 'p', 2]),
        t('point_labels', [1, 'p'], 'int32'),
      ]),
    ).toBe('mask_decoder');
    expect(recogniseModule([t('pix_feat', [1, 256, 32, 32]), t('mask_for_mem', [1, 1, 512, 512])])).toBe(
      'memory_encoder',
    );
  });

  it('recognises memory attention under other exporters names (split pointer and 5-D spatial memory)', () => {
    const nvidiaStyle = [
      t('current_vision_feat', [1024, 1, 256]),
      t('memory_0', [1, 'num_ptr', 256]),
      t('memory_1', [1, 'num_frames', 64, 32, 32]),
      t('memory_pos_embed', ['m', 1, 64]),
    ];
    expect(recogniseModule(nvidiaStyle)).toBe('memory_attention');
    const shapes = resolveInputShapes(nvidiaStyle).shapes;
    expect(shapes.memory_0).toEqual([1, 16, 256]);
    expect(shapes.memory_1).toEqual([1, 7, 64, 32, 32]);
  });

  it('recognises memory attention at any width (a narrower replica: features 32 wide, memory 16 wide)', () => {
    const narrow = [
      t('curr', [1024, 1, 32]),
      t('memory', ['n', 1, 16]),
      t('memory_pos', ['n', 1, 16]),
      t('k', [], 'int64'),
    ];
    expect(recogniseModule(narrow)).toBe('memory_attention');
    expect(resolveInputShapes(narrow).shapes.memory).toEqual([7232, 1, 16]);
  });

  it('leaves unrelated models unrecognised', () => {
    expect(recogniseModule([t('a', ['rows', 8]), t('b', [8, 4])])).toBeUndefined();
  });
});

describe('resolveInputShapes', () => {
  const memoryAttention = [
    t('curr', [1024, 1, 256]),
    t('curr_pos', [1024, 1, 256]),
    t('memory', ['num_mem_tokens', 1, 64]),
    t('memory_pos', ['num_mem_tokens', 1, 64]),
    t('num_obj_ptr_tokens', [], 'int64'),
  ];

  it('defaults memory to a full bank of 7 frames and 16 pointers and explains the choice', () => {
    const resolved = resolveInputShapes(memoryAttention);
    expect(resolved.shapes.memory).toEqual([7 * 1024 + 16 * 4, 1, 64]);
    expect(resolved.shapes.memory_pos).toEqual(resolved.shapes.memory);
    expect(resolved.pointerTokens).toBe(64);
    expect(resolved.notes.join('\n')).toMatch(/memory\[0\] \(num_mem_tokens\) = 7232: full memory bank/);
  });

  it('uses user shapes and derives the pointer tokens from them', () => {
    const resolved = resolveInputShapes(memoryAttention, { memory: [4 * 1024 + 8, 1, 64] });
    expect(resolved.shapes.memory).toEqual([4104, 1, 64]);
    expect(resolved.shapes.memory_pos).toEqual([4104, 1, 64]);
    expect(resolved.pointerTokens).toBe(8);
  });

  it('sets unknown dynamic dims to 1 and keeps one value per symbolic name', () => {
    const resolved = resolveInputShapes([t('a', ['rows', 8]), t('b', ['rows', 4])], { a: [3, 8] });
    expect(resolved.shapes).toEqual({ a: [3, 8], b: [3, 4] });
    expect(resolveInputShapes([t('a', ['batch', 8])]).shapes.a).toEqual([1, 8]);
  });

  it('BAD CALL - a user shape that breaks a fixed dim or names no input is a usage error', () => {
    expect(() => resolveInputShapes(memoryAttention, { curr: [1000, 1, 256] })).toThrow(
      /does not fit the declared shape \[1024,1,256\]/,
    );
    expect(() => resolveInputShapes(memoryAttention, { nope: [1] })).toThrow(/"nope", which is not an input/);
  });
});

describe('parseShapeSpecs', () => {
  it('parses NAME:D0xD1 specs, names with colons and scalars', () => {
    expect(parseShapeSpecs(['memory:7232x1x64', 'ns:a:2x3', 'count:'])).toEqual({
      memory: [7232, 1, 64],
      'ns:a': [2, 3],
      count: [],
    });
  });

  it('BAD CALL - rejects specs without a name or with non-integer dims', () => {
    expect(() => parseShapeSpecs(['7232x1x64'])).toThrow(/expected NAME:D0xD1/);
    expect(() => parseShapeSpecs(['m:2x-1'])).toThrow(/non-negative integer/);
    expect(() => parseShapeSpecs(['m:2.5'])).toThrow(/non-negative integer/);
  });
});
