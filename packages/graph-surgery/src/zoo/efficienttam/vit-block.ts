/**
 * One ViTDet block of EfficientTAM's trunk as torch traces it: pre-norm, attention (windowed with padding or
 * global), residual, pre-norm MLP with exact GELU, residual. Windowed blocks carry the export's dynamic
 * padding arithmetic (Mod/Sub, the ConstantOfShape/Reshape/Slice/Transpose chain torch builds for F.pad),
 * window partition and reverse, and the crop back to the unpadded grid.
 */

import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType } from '../../onnx/types.js';
import { gelu, layerNorm, linear, type ParamOptions, scaledDotProductAttention } from '../builder/layers.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimOf, dimsOf, floorDiv, reshape, shapeTensor, sizeOp, slice, transpose } from '../builder/shape-ops.js';

const INT64_MIN = -9223372036854775808n;

/** What a block needs to know. */
export interface VitBlockConfig {
  dim: number;
  heads: number;
  mlpRatio: number;
  /** 0 for global attention. */
  windowSize: number;
}

/** Weight edits that plant outliers in one block (undefined: none). */
export interface BlockPlants {
  /** Edits attn.qkv's weight ([dim, 3*dim], columns q|k|v by head). */
  qkvWeight?: (values: Float32Array) => void;
  /** Edits mlp.fc2's bias ([dim]). */
  fc2Bias?: (values: Float32Array) => void;
}

/** Tensors of interest in a built block (for planted-culprit records). */
export interface VitBlockTensors {
  output: string;
  attentionScores: string;
  mlpOutput: string;
}

/** F.pad(x, (0, 0, 0, padW, 0, padH)) on [B, H, W, C] with dynamic pads, via torch's pads-reordering chain. */
function padBottomRight(b: ModuleBuilder, x: string, padH: string, padW: string): string {
  const list = shapeTensor(b, [0, 0, 0, padW, 0, padH]);
  const given = b.op1('Cast', [list], { to: DataType.INT64 });
  // The zeros for the dims the pad list leaves out: rank * 2 - len(pad). The exporter folds rank * 2 but reads
  // the list's length at run time; the clean style folds both.
  const missing =
    b.style === 'export'
      ? b.op1('Sub', [b.constant(8), b.op1('Gather', [b.op1('Shape', [list]), b.constant([0])], { axis: 0 })])
      : b.constant([2]);
  const rest = b.op1('ConstantOfShape', [missing], { value: makeTensor('', DataType.INT64, [1], [0]) });
  const pairs = reshape(b, b.op1('Concat', [given, rest], { axis: 0 }), [-1, 2]);
  const flipped = b.op1('Slice', [pairs, b.constant([-1]), b.constant([INT64_MIN]), b.constant([0]), b.constant([-1])]);
  const pads = b.op1('Cast', [reshape(b, transpose(b, flipped, [1, 0]), [-1])], { to: DataType.INT64 });
  return b.op1('Pad', [x, pads, b.floatConstant(0)], { mode: 'constant' });
}

/** window_partition: [B, H, W, C] -> [B * nWindows, ws, ws, C], padding H and W up to multiples of ws. */
function windowPartition(b: ModuleBuilder, x: string, ws: number) {
  const [batch, h, w, c] = dimsOf(b, x, [0, 1, 2, 3]);
  const padH = sizeOp(b, 'Mod', sizeOp(b, 'Sub', ws, sizeOp(b, 'Mod', h!, ws)), ws);
  const padW = sizeOp(b, 'Mod', sizeOp(b, 'Sub', ws, sizeOp(b, 'Mod', w!, ws)), ws);
  const padded = padBottomRight(b, x, padH, padW);
  const hp = sizeOp(b, 'Add', h!, padH);
  const wp = sizeOp(b, 'Add', w!, padW);
  const grid = reshape(b, padded, [batch!, floorDiv(b, hp, ws), ws, floorDiv(b, wp, ws), ws, c!]);
  const windows = reshape(b, transpose(b, grid, [0, 1, 3, 2, 4, 5]), [-1, ws, ws, c!]);
  return { windows, hp, wp, h: h!, w: w! };
}

/** window_unpartition: [B * nWindows, ws, ws, C] -> [B, H, W, C], cropping the padding away. */
function windowUnpartition(
  b: ModuleBuilder,
  windows: string,
  ws: number,
  hp: string,
  wp: string,
  h: string,
  w: string,
): string {
  const perImage = floorDiv(b, floorDiv(b, sizeOp(b, 'Mul', hp, wp), ws), ws);
  const batch = floorDiv(b, dimOf(b, windows, 0), perImage);
  const grid = reshape(b, windows, [batch, floorDiv(b, hp, ws), floorDiv(b, wp, ws), ws, ws, -1]);
  const full = reshape(b, transpose(b, grid, [0, 1, 3, 2, 4, 5]), [batch, hp, wp, -1]);
  return slice(b, slice(b, full, 1, 0, h), 2, 0, w);
}

/**
 * Multi-head self-attention over a [B, H, W, C] map, traced from EfficientTAM's ViT attention:
 * qkv.reshape(B, H*W, 3, heads, -1).permute(2, 0, 3, 1, 4).reshape(3, B*heads, H*W, -1).unbind(0) (Split +
 * Squeeze), each viewed back to [B, heads, H*W, -1] for SDPA, then view(B, heads, H, W, -1).permute(0, 2, 3, 1, 4)
 * .reshape(B, H, W, -1) and the output projection.
 */
function attention(b: ModuleBuilder, x: string, cfg: VitBlockConfig, plants: BlockPlants) {
  return b.scope('attn', () => {
    const [batch, h, w] = dimsOf(b, x, [0, 1, 2]);
    const qkvOptions: ParamOptions = plants.qkvWeight ? { weightTransform: plants.qkvWeight } : {};
    const qkv = linear(b, x, 'qkv', cfg.dim, 3 * cfg.dim, qkvOptions);
    const tokens = sizeOp(b, 'Mul', h!, w!);
    const split5d = transpose(b, reshape(b, qkv, [batch!, tokens, 3, cfg.heads, -1]), [2, 0, 3, 1, 4]);
    const stacked = reshape(b, split5d, [3, sizeOp(b, 'Mul', batch!, cfg.heads), tokens, -1]);
    const parts = b.op('Split', [stacked, b.constant([1, 1, 1])], { axis: 0 }, 3);
    const [q, k, v] = parts.map((p) =>
      reshape(b, b.op1('Squeeze', [p, b.constant([0])]), [batch!, cfg.heads, sizeOp(b, 'Mul', h!, w!), -1]),
    );
    const att = scaledDotProductAttention(b, q!, k!, v!);
    const grid = reshape(b, att.output, [batch!, cfg.heads, h!, w!, -1]);
    const merged = reshape(b, transpose(b, grid, [0, 2, 3, 1, 4]), [batch!, h!, w!, -1]);
    return { output: linear(b, merged, 'proj', cfg.dim, cfg.dim), scores: att.scores };
  });
}

/** Builds block `blocks.<index>` on the residual stream `x` ([B, H, W, C]). */
export function vitBlock(
  b: ModuleBuilder,
  x: string,
  index: number,
  cfg: VitBlockConfig,
  plants: BlockPlants = {},
): VitBlockTensors {
  return b.scope(`blocks.${index}`, () => {
    const normed = layerNorm(b, x, 'norm1', cfg.dim);
    let attended: string;
    let scores: string;
    if (cfg.windowSize > 0) {
      const part = windowPartition(b, normed, cfg.windowSize);
      const att = attention(b, part.windows, cfg, plants);
      scores = att.scores;
      attended = windowUnpartition(b, att.output, cfg.windowSize, part.hp, part.wp, part.h, part.w);
    } else {
      const att = attention(b, normed, cfg, plants);
      scores = att.scores;
      attended = att.output;
    }
    const afterAttention = b.op1('Add', [x, attended]);
    const hidden = cfg.dim * cfg.mlpRatio;
    const normed2 = layerNorm(b, afterAttention, 'norm2', cfg.dim);
    const mlpOutput = b.scope('mlp', () => {
      const h1 = linear(b, normed2, 'fc1', cfg.dim, hidden);
      const act = gelu(b, h1, 'act');
      return linear(b, act, 'fc2', hidden, cfg.dim, plants.fc2Bias ? { biasTransform: plants.fc2Bias } : {});
    });
    return { output: b.op1('Add', [afterAttention, mlpOutput]), attentionScores: scores, mlpOutput };
  });
}
