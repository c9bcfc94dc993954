import { describe, expect, it } from 'vitest';
import {
  convertToFloat16,
  DataType,
  findAttentionScores,
  inferElemTypes,
  insertFp32Islands,
  mixedPresetNodes,
  nodeNamesOfPattern,
  valuesReductionLengths,
} from '../src/index.js';
import { graphOf } from './helpers/ort-feeds.js';
import { zooModule } from './helpers/zoo.js';

const valuesMatMuls = (kept: { node: string; reason: string }[]) =>
  kept.filter((k) => k.reason.startsWith('attention-times-values')).map((k) => k.node);

describe('the mixed preset on the export-style zoo', () => {
  it('memory_attention: keeps the four cross-attention values MatMuls (keys follow num_mem_tokens), not self-attention', () => {
    const graph = graphOf(zooModule('full', 'memory_attention'));
    const kept = mixedPresetNodes(graph);
    expect(valuesMatMuls(kept)).toEqual(
      [0, 1, 2, 3].map((i) => `/memory_attention/layers.${i}/cross_attn_image/MatMul_1`),
    );
    for (const k of kept.filter((k) => k.reason.startsWith('attention-times-values')))
      expect(k.reason).toMatch(/num_mem_tokens/);
    // Scores and softmax of all eight attentions, and the 13 LayerNormalizations.
    const attention = findAttentionScores(graph);
    for (const m of attention) expect(kept.map((k) => k.node)).toContain(m.softmax);
    expect(kept.filter((k) => k.reason === 'layer normalisation')).toHaveLength(13);
  });

  it('memory_attention: with the bank bound small, no values MatMul is long; bound to a full bank, the four are', () => {
    const graph = graphOf(zooModule('full', 'memory_attention'));
    expect(valuesMatMuls(mixedPresetNodes(graph, { dims: { num_mem_tokens: 1024 } }))).toEqual([]);
    // 7 frames of 1024 tokens and 16 pointers of 4 tokens: the pointers stay out of RoPE.
    const full = mixedPresetNodes(graph, { dims: { num_mem_tokens: 7232 }, inputValues: { num_obj_ptr_tokens: [64] } });
    expect(valuesMatMuls(full)).toHaveLength(4);
    for (const node of valuesMatMuls(full))
      expect(full.find((k) => k.node === node)!.reason).toMatch(/sums over 7232 keys/);
  });

  it('reads the key count from the values tensor: 1024 for self-attention, the bank size for cross-attention', () => {
    const graph = graphOf(zooModule('full', 'memory_attention'));
    const lengths = valuesReductionLengths(graph, findAttentionScores(graph), { dims: { num_mem_tokens: 2048 } });
    expect(lengths.get('/memory_attention/layers.0/self_attn/MatMul_1')).toEqual({ keys: 1024, follows: [] });
    expect(lengths.get('/memory_attention/layers.0/cross_attn_image/MatMul_1')).toEqual({ keys: 2048, follows: [] });
  });

  it('image_encoder: windowed (196) and global (1024) attention are short; a lower threshold keeps the global ones', () => {
    const graph = graphOf(zooModule('full', 'image_encoder'));
    expect(valuesMatMuls(mixedPresetNodes(graph))).toEqual([]);
    const strict = valuesMatMuls(mixedPresetNodes(graph, { longReduction: 1024 }));
    expect(strict).toEqual([2, 5, 8, 11].map((i) => `/image_encoder/trunk/blocks.${i}/attn/MatMul_1`));
  });

  it('mask_decoder (clean style): keeps the values MatMuls that sum over prompt tokens, which grow with num_points', () => {
    const kept = mixedPresetNodes(graphOf(zooModule('full', 'mask_decoder', false, 'clean')));
    expect(valuesMatMuls(kept).sort()).toEqual(
      [
        'layers.0/self_attn',
        'layers.0/cross_attn_image_to_token',
        'layers.1/self_attn',
        'layers.1/cross_attn_image_to_token',
      ]
        .map((s) => `/sam_mask_decoder/transformer/${s}/MatMul_1`)
        .sort(),
    );
  });

  it('memory_encoder: only the LayerNorm2d statistics', () => {
    const kept = mixedPresetNodes(graphOf(zooModule('full', 'memory_encoder')));
    expect(new Set(kept.map((k) => k.reason))).toEqual(new Set(['layer normalisation statistics']));
    expect(kept).toHaveLength(6 * 7);
  });

  it('fp32-islands --pattern mixed computes those nodes in FP32 in the FP16 model and says why', () => {
    const { model: half } = convertToFloat16(zooModule('tiny', 'memory_attention'));
    const { model, report } = insertFp32Islands(half, { patterns: ['mixed'] });
    expect(report.nodes).toEqual(nodeNamesOfPattern(graphOf(half), 'mixed'));
    const types = inferElemTypes(graphOf(model));
    for (const name of [0, 1].map((i) => `/memory_attention/layers.${i}/cross_attn_image/MatMul_1`)) {
      const node = graphOf(model).node.find((n) => n.name === name)!;
      expect(types.get(node.output[0]!)).toBe(DataType.FLOAT);
      expect(report.reasons[name]).toMatch(/^attention-times-values MatMul/);
    }
    expect(report.notes).toEqual([]);
  });
});
