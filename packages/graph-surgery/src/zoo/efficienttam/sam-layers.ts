/**
 * SAM 2 building blocks shared by memory_attention and mask_decoder: the `Attention` module (q/k/v/out
 * projections around scaled-dot-product attention, with an optional rotary hook) and the `MLP` module, written as
 * PyTorch 2.x exports them (Linear on 3-d inputs -> MatMul + Add, on 2-d inputs -> Gemm).
 */
import { gemm, linear, type ParamOptions, relu, scaledDotProductAttention } from '../builder/layers.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, floorDiv, mergeHeads, reshape, sizeOp, splitHeads, transpose } from '../builder/shape-ops.js';

/** Shape of one SAM `Attention` module. */
export interface SamAttentionDims {
  /** Embedding width of queries and of the output. */
  dim: number;
  /** Width of the key/value inputs (SAM 2's `kv_in_dim`; default `dim`). */
  kvInDim?: number;
  heads: number;
  /** Internal width is `dim / downsampleRate` (2 in the mask decoder's cross attention; default 1). */
  downsampleRate?: number;
  /**
   * In the export style, split and merge heads as SAM's `_separate_heads` / `_recombine_heads` trace
   * (`b, n, c = x.shape`, `c // num_heads`, `n_heads * c_per_head`); default true. The reference memory_attention
   * export reads fewer sizes there (its counts fit `reshape(b, n, heads, -1)`), so it passes false.
   */
  tracedHeads?: boolean;
}

/** `_separate_heads` as traced: x [B, N, C] -> [B, heads, N, C / heads], C // heads computed from the shape. */
function separateHeads(b: ModuleBuilder, x: string, heads: number, transposed = true): string {
  const [batch, tokens, channels] = dimsOf(b, x, [0, 1, 2]);
  const split = reshape(b, x, [batch!, tokens!, heads, floorDiv(b, channels!, heads)]);
  return transposed ? transpose(b, split, [0, 2, 1, 3]) : split;
}

/** `_recombine_heads` as traced: x [B, heads, N, d] -> [B, N, heads * d], every size read from the shape. */
function recombineHeads(b: ModuleBuilder, x: string): string {
  const [batch, heads, tokens, perHead] = dimsOf(b, x, [0, 1, 2, 3]);
  const merged = transpose(b, x, [0, 2, 1, 3]);
  return reshape(b, merged, [batch!, tokens!, sizeOp(b, 'Mul', heads!, perHead!)]);
}

/**
 * Projection init of trained attention: std 1/sqrt(fan_in) keeps q.k/sqrt(d) logits near unit scale, so the
 * softmax is peaked as in a trained model (trunc-normal 0.02 would make it uniform and the keys irrelevant).
 */
function projectionInit(fanIn: number): ParamOptions {
  return { weightInit: { init: 'kaiming', fanIn, gain: 1 } };
}

/**
 * Rewrites q and k (both [B, heads, N, d]) after the head split and before attention: RoPEAttention's hook.
 * Returns the new q and k.
 */
export type QkHook = (q: string, k: string) => { q: string; k: string };

/**
 * SAM's `Attention.forward(q, k, v)` inside scope `name`: project, split heads, F.scaled_dot_product_attention,
 * merge heads, out_proj. Inputs are [B, N, C] tensors.
 */
export function samAttention(
  b: ModuleBuilder,
  name: string,
  inputs: { q: string; k: string; v: string },
  dims: SamAttentionDims,
  hook?: QkHook,
): string {
  const kvIn = dims.kvInDim ?? dims.dim;
  const internal = dims.dim / (dims.downsampleRate ?? 1);
  return b.scope(name, () => {
    const traced = b.style === 'export' && dims.tracedHeads !== false;
    const split = traced ? separateHeads : splitHeads;
    const merge = traced ? recombineHeads : mergeHeads;
    const project = (x: string, name: string, fanIn: number) =>
      split(b, linear(b, x, name, fanIn, internal, projectionInit(fanIn)), dims.heads);
    const q = project(inputs.q, 'q_proj', dims.dim);
    if (traced && !hook) {
      // k's head split and SDPA's key transpose meet with nothing between: torch's peephole fuses the two.
      const kProjected = linear(b, inputs.k, 'k_proj', kvIn, internal, projectionInit(kvIn));
      const v = project(inputs.v, 'v_proj', kvIn);
      const kT = transpose(b, separateHeads(b, kProjected, dims.heads, false), [0, 2, 3, 1]);
      const { output } = scaledDotProductAttention(b, q, kT, v, { keyTransposed: true });
      return linear(b, merge(b, output), 'out_proj', internal, dims.dim, projectionInit(internal));
    }
    const k = project(inputs.k, 'k_proj', kvIn);
    const v = project(inputs.v, 'v_proj', kvIn);
    const rotated = hook ? hook(q, k) : { q, k };
    const { output } = scaledDotProductAttention(b, rotated.q, rotated.k, v);
    return linear(b, merge(b, output), 'out_proj', internal, dims.dim, projectionInit(internal));
  });
}

/** Options of `samMlp`. */
export interface SamMlpOptions {
  /** The input is 2-d [N, C]: layers export as Gemm (default false: MatMul + Add). */
  twoD?: boolean;
  /** Apply a sigmoid to the output (SAM's `sigmoid_output`, the IoU head). */
  sigmoidOutput?: boolean;
  /**
   * Weight init: `kaiming` keeps activations at unit scale through the layers, as in trained prediction heads whose
   * outputs (mask logits, IoU, pointers) are O(1); default trunc-normal std 0.02 (a residual branch).
   */
  init?: 'kaiming' | 'trunc-normal';
  /** Bias init of the last layer (e.g. a trained object-score head's positive offset). */
  lastBias?: { init: 'constant'; value: number; jitter?: number };
}

/**
 * SAM 2's `MLP(input_dim, hidden_dim, output_dim, num_layers)`: Linear layers `layers.<i>`, ReLU (`act`) after
 * every layer but the last. `widths` is [input, hidden..., output].
 */
export function samMlp(
  b: ModuleBuilder,
  x: string,
  name: string,
  widths: readonly number[],
  options: SamMlpOptions = {},
): string {
  return b.scope(name, () => {
    let h = x;
    const layers = widths.length - 1;
    for (let i = 0; i < layers; i++) {
      const last = i === layers - 1;
      const layerOptions: ParamOptions = last && options.lastBias ? { biasInit: options.lastBias } : {};
      if (options.init === 'kaiming')
        layerOptions.weightInit = { init: 'kaiming', fanIn: widths[i]!, gain: last ? 1 : Math.SQRT2 };
      const layer = options.twoD ? gemm : linear;
      h = layer(b, h, `layers.${i}`, widths[i]!, widths[i + 1]!, layerOptions);
      if (!last) h = relu(b, h, 'act');
    }
    return options.sigmoidOutput ? b.op1('Sigmoid', [h]) : h;
  });
}
