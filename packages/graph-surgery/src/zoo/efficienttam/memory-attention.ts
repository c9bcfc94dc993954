/**
 * EfficientTAM-Ti's memory_attention (SAM 2's `MemoryAttention`) as PyTorch 2.x exports it at opset 17:
 * curr + 0.1 * curr_pos, then pre-norm layers of RoPE self-attention, RoPE cross-attention to the memory bank
 * (keys/values projected from the 64-dim memory, object-pointer tokens kept out of RoPE) and a ReLU FFN, then a
 * final LayerNorm. Sequence-first I/O ([tokens, 1, C]) as the reference export wrapper has it.
 */

import { DataType } from '../../onnx/types.js';
import { layerNorm, linear, relu } from '../builder/layers.js';
import { ModuleBuilder } from '../builder/module-builder.js';
import { dimOf, slice, transpose } from '../builder/shape-ops.js';
import { SHARED_DIMS } from './config.js';
import { applyRotary, computeAxialRopeTables, type RopeTableNames } from './rope.js';
import { samAttention } from './sam-layers.js';
import type { BuiltModule, ModuleBuildOptions, ZooSize } from './types.js';

/** Hyperparameters of one memory_attention size. */
export interface MemoryAttentionConfig {
  /** Width of the current-frame features (`curr`) and of every layer. */
  dModel: number;
  /** Width of memory tokens (`memory`, `memory_pos`): the memory encoder's output channels. */
  memDim: number;
  ffnDim: number;
  layers: number;
  heads: number;
  /** Feature grid [width, height]: curr has width * height tokens, the RoPE tables as many rows. */
  grid: readonly [number, number];
  ropeTheta: number;
  /** nn.LayerNorm's default epsilon: SAM 2 builds these norms without one. */
  eps: number;
  /** Most memory frames the pipeline passes (num_maskmem). */
  maxMemoryFrames: number;
  /** Most object pointers the pipeline passes. */
  maxObjectPointers: number;
}

/** `full` is efficienttam_ti_512x512's; `tiny` keeps the topology (RoPE grid, token counts) at small widths. */
export const MEMORY_ATTENTION_CONFIGS: Record<ZooSize, MemoryAttentionConfig> = {
  full: {
    dModel: SHARED_DIMS.full.dModel,
    memDim: SHARED_DIMS.full.memDim,
    ffnDim: 2048,
    layers: 4,
    heads: 1,
    grid: [SHARED_DIMS.full.featureSize, SHARED_DIMS.full.featureSize],
    ropeTheta: 10000,
    eps: 1e-5,
    maxMemoryFrames: 7,
    maxObjectPointers: 16,
  },
  tiny: {
    dModel: SHARED_DIMS.tiny.dModel,
    memDim: SHARED_DIMS.tiny.memDim,
    ffnDim: 64,
    layers: 2,
    heads: 1,
    grid: [SHARED_DIMS.tiny.featureSize, SHARED_DIMS.tiny.featureSize],
    ropeTheta: 10000,
    eps: 1e-5,
    maxMemoryFrames: 7,
    maxObjectPointers: 16,
  },
};

/** Tokens one object pointer becomes: the dModel-wide pointer is split into memDim-wide tokens. */
export function tokensPerObjectPointer(config: MemoryAttentionConfig): number {
  return config.dModel / config.memDim;
}

/** Memory tokens for `frames` spatial memories and `pointers` object pointers (7 and 16 give 7232 at full size). */
export function memoryTokenCount(config: MemoryAttentionConfig, frames: number, pointers: number): number {
  return frames * config.grid[0] * config.grid[1] + pointers * tokensPerObjectPointer(config);
}

/** Symbolic name of the memory-token axis of `memory` and `memory_pos`. */
export const MEMORY_TOKENS_DIM = 'num_mem_tokens';

interface LayerContext {
  config: MemoryAttentionConfig;
  rope: RopeTableNames;
  memory: string;
  memoryPos: string;
  numObjPtrTokens: string;
  /** Attention modules that have read the RoPE tables so far. */
  ropeUses: number;
}

/**
 * The RoPE tables for one attention module. torch deduplicates the identical buffers of the attention modules:
 * the first reads the initializers, every later one through an Identity node (14 of them in the real export).
 */
function ropeTables(b: ModuleBuilder, ctx: LayerContext): RopeTableNames {
  if (ctx.ropeUses++ === 0) return ctx.rope;
  return { cos: b.op1('Identity', [ctx.rope.cos]), sin: b.op1('Identity', [ctx.rope.sin]) };
}

/** RoPEAttention for self attention: q and k both rotate with the grid's tables. */
function selfAttention(b: ModuleBuilder, x: string, ctx: LayerContext): string {
  const { config } = ctx;
  const geometry = { tokens: config.grid[0] * config.grid[1], pairs: config.dModel / config.heads / 2 };
  return samAttention(
    b,
    'self_attn',
    { q: x, k: x, v: x },
    { dim: config.dModel, heads: config.heads, tracedHeads: false },
    (q, k) => {
      const tables = ropeTables(b, ctx);
      return { q: applyRotary(b, q, tables, geometry), k: applyRotary(b, k, tables, geometry) };
    },
  );
}

/**
 * RoPEAttention for cross attention to the memory (rope_k_repeat): the first N - num_obj_ptr_tokens keys rotate
 * with the tables repeated per memory frame; the object-pointer tokens at the end are left as they are.
 */
function crossAttention(b: ModuleBuilder, x: string, ctx: LayerContext): string {
  const { config } = ctx;
  const geometry = { tokens: config.grid[0] * config.grid[1], pairs: config.dModel / config.heads / 2 };
  // memory + pos is the same in every layer: the exporter's CSE keeps one Add.
  const keys = b.shared(`keys|${ctx.memory}|${ctx.memoryPos}`, () => b.op1('Add', [ctx.memory, ctx.memoryPos]));
  const dims = { dim: config.dModel, kvInDim: config.memDim, heads: config.heads, tracedHeads: false };
  return samAttention(b, 'cross_attn_image', { q: x, k: keys, v: ctx.memory }, dims, (q, k) => {
    const tables = ropeTables(b, ctx);
    const ropeTokens = b.op1('Sub', [dimOf(b, k, 2), ctx.numObjPtrTokens]);
    const rotatedQ = applyRotary(b, q, tables, geometry);
    const rotated = applyRotary(b, slice(b, k, 2, 0, ropeTokens), tables, geometry, true);
    const pointers = slice(b, k, 2, ropeTokens, Number.MAX_SAFE_INTEGER);
    return { q: rotatedQ, k: b.op1('Concat', [rotated, pointers], { axis: 2 }) };
  });
}

/** MemoryAttentionLayer.forward: pre-norm self attention, cross attention and FFN, each with a residual. */
function memoryAttentionLayer(b: ModuleBuilder, tgt: string, ctx: LayerContext): string {
  const { dModel, ffnDim, eps } = ctx.config;
  const normed1 = layerNorm(b, tgt, 'norm1', dModel, { eps });
  let out = b.op1('Add', [tgt, selfAttention(b, normed1, ctx)]);
  const normed2 = layerNorm(b, out, 'norm2', dModel, { eps });
  out = b.op1('Add', [out, crossAttention(b, normed2, ctx)]);
  const normed3 = layerNorm(b, out, 'norm3', dModel, { eps });
  const hidden = relu(b, linear(b, normed3, 'linear1', dModel, ffnDim));
  return b.op1('Add', [out, linear(b, hidden, 'linear2', ffnDim, dModel)]);
}

/** Builds memory_attention: inputs `curr`, `curr_pos`, `memory`, `memory_pos`, `num_obj_ptr_tokens`; output `pix_feat_with_mem`. */
export function buildMemoryAttention(options: ModuleBuildOptions): BuiltModule {
  const config = MEMORY_ATTENTION_CONFIGS[options.size];
  const tokens = config.grid[0] * config.grid[1];
  const b = new ModuleBuilder('memory_attention', { seed: options.seed, style: options.style ?? 'export' });
  const curr = b.input('curr', [tokens, 1, config.dModel]);
  const currPos = b.input('curr_pos', [tokens, 1, config.dModel]);
  const memory = b.input('memory', [MEMORY_TOKENS_DIM, 1, config.memDim]);
  const memoryPos = b.input('memory_pos', [MEMORY_TOKENS_DIM, 1, config.memDim]);
  const numObjPtrTokens = b.input('num_obj_ptr_tokens', [], DataType.INT64);

  // One pair of tables serves all attention modules, as the export shares the identical RoPE buffers.
  const tables = computeAxialRopeTables(config.dModel / config.heads, config.grid[0], config.grid[1], config.ropeTheta);
  const rope = {
    cos: b.initializer('memory_attention.layers.0.self_attn.freqs_cos', [tokens, tables.pairs], tables.cos),
    sin: b.initializer('memory_attention.layers.0.self_attn.freqs_sin', [tokens, tables.pairs], tables.sin),
  };

  // pos_enc_at_input, then batch_first: [N, 1, C] -> [1, N, C].
  const withPos = b.op1('Add', [curr, b.op1('Mul', [currPos, b.floatConstant(0.1)])]);
  let output = transpose(b, withPos, [1, 0, 2]);
  const ctx: LayerContext = {
    config,
    rope,
    memory: transpose(b, memory, [1, 0, 2]),
    memoryPos: transpose(b, memoryPos, [1, 0, 2]),
    numObjPtrTokens,
    ropeUses: 0,
  };
  for (let i = 0; i < config.layers; i++) {
    output = b.scope(`layers.${i}`, () => memoryAttentionLayer(b, output, ctx));
  }
  const normed = layerNorm(b, output, 'norm', config.dModel, { eps: config.eps });
  b.output('pix_feat_with_mem', transpose(b, normed, [1, 0, 2]), [tokens, 1, config.dModel]);
  // FLOPs at the largest memory bank: 7 frames and 16 pointers.
  const pointerTokens = config.maxObjectPointers * tokensPerObjectPointer(config);
  const flopsAt = {
    dims: { [MEMORY_TOKENS_DIM]: memoryTokenCount(config, config.maxMemoryFrames, config.maxObjectPointers) },
    inputValues: { num_obj_ptr_tokens: [pointerTokens] },
  };
  return { model: b.build(), plantedOutliers: [], flopsAt };
}
