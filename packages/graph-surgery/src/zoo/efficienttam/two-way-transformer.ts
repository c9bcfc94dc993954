/**
 * SAM's TwoWayTransformer: prompt tokens and image tokens attend to each other in post-norm blocks (token self
 * attention, token-to-image cross attention, MLP, image-to-token cross attention), then a final token-to-image
 * attention. Cross attention runs at half width (attention_downsample_rate 2).
 */
import { layerNorm } from '../builder/layers.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, reshape, transpose } from '../builder/shape-ops.js';
import { flattenRange } from '../builder/torch-idioms.js';
import { samAttention, samMlp } from './sam-layers.js';

/** Hyperparameters of the two-way transformer. */
export interface TwoWayTransformerDims {
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** Cross attention runs at dim / this (2 in SAM). */
  downsampleRate: number;
  /** nn.LayerNorm's default, as SAM builds these norms. */
  eps: number;
}

interface BlockState {
  queries: string;
  keys: string;
}

/** TwoWayAttentionBlock `layers.<index>`; the first block skips the query positional encoding in self attention. */
function twoWayBlock(
  b: ModuleBuilder,
  state: BlockState,
  pe: { query: string; key: string },
  dims: TwoWayTransformerDims,
  skipFirstLayerPe: boolean,
): BlockState {
  const self = { dim: dims.dim, heads: dims.heads };
  const cross = { dim: dims.dim, heads: dims.heads, downsampleRate: dims.downsampleRate };
  let { queries, keys } = state;
  if (skipFirstLayerPe) {
    queries = samAttention(b, 'self_attn', { q: queries, k: queries, v: queries }, self);
  } else {
    const q = b.op1('Add', [queries, pe.query]);
    queries = b.op1('Add', [queries, samAttention(b, 'self_attn', { q, k: q, v: queries }, self)]);
  }
  queries = layerNorm(b, queries, 'norm1', dims.dim, { eps: dims.eps });

  let q = b.op1('Add', [queries, pe.query]);
  let k = b.op1('Add', [keys, pe.key]);
  queries = b.op1('Add', [queries, samAttention(b, 'cross_attn_token_to_image', { q, k, v: keys }, cross)]);
  queries = layerNorm(b, queries, 'norm2', dims.dim, { eps: dims.eps });

  queries = b.op1('Add', [queries, samMlp(b, queries, 'mlp', [dims.dim, dims.mlpDim, dims.dim])]);
  queries = layerNorm(b, queries, 'norm3', dims.dim, { eps: dims.eps });

  q = b.op1('Add', [queries, pe.query]);
  k = b.op1('Add', [keys, pe.key]);
  keys = b.op1('Add', [keys, samAttention(b, 'cross_attn_image_to_token', { q: k, k: q, v: queries }, cross)]);
  keys = layerNorm(b, keys, 'norm4', dims.dim, { eps: dims.eps });
  return { queries, keys };
}

/** `x.flatten(2).permute(0, 2, 1)`: [B, C, H, W] -> [B, H*W, C]. */
function flattenImage(b: ModuleBuilder, x: string): string {
  if (b.style === 'export') return transpose(b, flattenRange(b, x, 4, 2, 3), [0, 2, 1]);
  const [batch, channels] = dimsOf(b, x, [0, 1]);
  return transpose(b, reshape(b, x, [batch!, channels!, -1]), [0, 2, 1]);
}

/**
 * TwoWayTransformer.forward(image_embedding [B, C, H, W], image_pe [1, C, H, W], point_embedding [B, T, C]) in
 * scope `transformer`: returns the tokens [B, T, C] and the image tokens [B, H*W, C].
 */
export function twoWayTransformer(
  b: ModuleBuilder,
  image: string,
  imagePe: string,
  tokens: string,
  dims: TwoWayTransformerDims,
): { queries: string; keys: string } {
  return b.scope('transformer', () => {
    const keyPe = flattenImage(b, imagePe);
    let state: BlockState = { queries: tokens, keys: flattenImage(b, image) };
    for (let i = 0; i < dims.depth; i++) {
      state = b.scope(`layers.${i}`, () => twoWayBlock(b, state, { query: tokens, key: keyPe }, dims, i === 0));
    }
    const q = b.op1('Add', [state.queries, tokens]);
    const k = b.op1('Add', [state.keys, keyPe]);
    const cross = { dim: dims.dim, heads: dims.heads, downsampleRate: dims.downsampleRate };
    const attended = samAttention(b, 'final_attn_token_to_image', { q, k, v: state.keys }, cross);
    const queries = layerNorm(b, b.op1('Add', [state.queries, attended]), 'norm_final_attn', dims.dim, {
      eps: dims.eps,
    });
    return { queries, keys: state.keys };
  });
}
