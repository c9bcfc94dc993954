/**
 * SAM 2's PromptEncoder for points and boxes without a mask prompt, as an export wrapper traces it: random-Fourier
 * positional encoding of the points (plus the pad point SAM appends when no box tensor is given), label embeddings
 * selected with Equal/Where (the export-friendly form of `point_embedding[labels == i] += ...`), the no-mask dense
 * embedding, and the dense positional encoding of the image grid.
 */

import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimOf, shapeTensor, transpose } from '../builder/shape-ops.js';
import { assignChannel, expandLikeTorch, fillValue, zerosLike } from '../builder/torch-idioms.js';

/** Dimensions the prompt encoder needs. */
export interface PromptEncoderDims {
  /** Embedding width (transformer_dim). */
  dim: number;
  /** Image-embedding grid [height, width]. */
  grid: readonly [number, number];
  /** Input image size in pixels [height, width]: point coordinates are in this space. */
  imageSize: readonly [number, number];
}

/** Point labels SAM embeds: 0 negative, 1 positive, 2 box top-left, 3 box bottom-right (-1 is padding). */
const POINT_LABELS = [0, 1, 2, 3] as const;

/** PositionEmbeddingRandom._pe_encoding on coords in [0, 1]: 2c - 1, @ gaussian, * 2 pi, [sin, cos]. */
function fourierEncoding(b: ModuleBuilder, coords: string, gaussian: string): string {
  const centred = b.op1('Sub', [b.op1('Mul', [b.floatConstant(2), coords]), b.floatConstant(1)]);
  const projected = b.op1('Mul', [b.floatConstant(2 * Math.PI), b.op1('MatMul', [centred, gaussian])]);
  return b.op1('Concat', [b.op1('Sin', [projected]), b.op1('Cos', [projected])], { axis: -1 });
}

/** The gaussian matrix buffer of `pe_layer` (scale 1: standard normal), shared by point and dense encodings. */
export function addGaussianMatrix(b: ModuleBuilder, dims: PromptEncoderDims): string {
  return b.scope('pe_layer', () => b.weight('positional_encoding_gaussian_matrix', [2, dims.dim / 2], { std: 1 }));
}

/**
 * forward_with_coords' `coords[:, :, 0] = coords[:, :, 0] / W` and the same for y by H. torch exports each slice
 * assignment as index_put: the indexed axis is moved to the front, ScatterND writes row 0 (or 1), and it is
 * moved back.
 */
function normaliseCoords(b: ModuleBuilder, points: string, dims: PromptEncoderDims): string {
  const [height, width] = dims.imageSize;
  let coords = points;
  for (const [axis, size] of [
    [0, width],
    [1, height],
  ] as const) {
    const scaled = b.op1('Div', [b.op1('Gather', [coords, b.constant(axis)], { axis: 2 }), b.floatConstant(size)]);
    if (b.style === 'export') {
      coords = assignChannel(b, coords, axis, scaled);
      continue;
    }
    const front = transpose(b, coords, [2, 0, 1]);
    const index = b.constant({ dims: [1, 1], values: [axis] });
    const written = b.op1('ScatterND', [front, index, b.op1('Unsqueeze', [scaled, b.constant([0])])]);
    coords = transpose(b, written, [1, 2, 0]);
  }
  return coords;
}

/**
 * Sparse embeddings [B, P + 1, dim] of `point_coords` [B, P, 2] (pixels) and `point_labels` [B, P] (int32):
 * SAM appends one pad point (label -1) because the decoder is called without a separate box tensor.
 */
export function embedPoints(
  b: ModuleBuilder,
  coords: string,
  labels: string,
  gaussian: string,
  dims: PromptEncoderDims,
): string {
  const batch = dimOf(b, coords, 0);
  const shifted = b.op1('Add', [coords, b.floatConstant(0.5)]);
  const padShape = shapeTensor(b, [batch, 1, 2]);
  const padPoint = b.op1('ConstantOfShape', [padShape], { value: fillValue(0) });
  const points = b.op1('Concat', [shifted, padPoint], { axis: 1 });
  const labelShape = shapeTensor(b, [dimOf(b, labels, 0), 1]);
  const padLabel = b.op1('Neg', [b.op1('ConstantOfShape', [labelShape], { value: fillValue(1) })]);
  const allLabels = b.op1('Concat', [b.op1('Cast', [labels], { to: DataType.FLOAT }), padLabel], { axis: 1 });

  let embedding = b.scope('pe_layer', () => fourierEncoding(b, normaliseCoords(b, points, dims), gaussian));

  const isLabel = (value: number) =>
    b.op1('Unsqueeze', [b.op1('Equal', [allLabels, b.floatConstant(value)]), b.constant([-1])]);
  const isPad = isLabel(-1);
  if (b.style === 'export') {
    // torch.where(labels == -1, torch.zeros_like(pe) + not_a_point_embed.weight, pe), as EfficientTAM writes it.
    const notAPoint = b.scope('not_a_point_embed', () => b.weight('weight', [1, dims.dim], { std: 0.5 }));
    embedding = b.op1('Where', [isPad, b.op1('Add', [zerosLike(b, embedding), notAPoint]), embedding]);
  } else {
    embedding = b.op1('Where', [isPad, b.floatConstant(0), embedding]);
    const notAPoint = b.scope('not_a_point_embed', () => b.weight('weight', [1, dims.dim], { std: 0.5 }));
    embedding = b.op1('Where', [isPad, b.op1('Add', [embedding, notAPoint]), embedding]);
  }
  for (const label of POINT_LABELS) {
    const table = b.scope(`point_embeddings.${label}`, () => b.weight('weight', [1, dims.dim], { std: 0.5 }));
    const mask = isLabel(label);
    embedding = b.op1('Where', [mask, b.op1('Add', [embedding, table]), embedding]);
  }
  return embedding;
}

/** The dense embedding without a mask prompt: no_mask_embed.weight expanded to [B, dim, H, W]. */
export function noMaskEmbedding(b: ModuleBuilder, batch: string, dims: PromptEncoderDims): string {
  const weight = b.scope('no_mask_embed', () => b.weight('weight', [1, dims.dim], { std: 0.1 }));
  const column = b.op1('Reshape', [weight, b.constant([1, -1, 1, 1])]);
  return expandLikeTorch(b, column, shapeTensor(b, [batch, -1, dims.grid[0], dims.grid[1]]));
}

/** get_dense_pe(): the grid's Fourier encoding [1, dim, H, W], from pixel-centre coordinates in [0, 1]. */
export function densePositionalEncoding(b: ModuleBuilder, gaussian: string, dims: PromptEncoderDims): string {
  return b.scope('pe_layer', () => {
    const [h, w] = dims.grid;
    const axis = (n: number) => {
      const steps = b.op1('Range', [b.floatConstant(0), b.floatConstant(n), b.floatConstant(1)]);
      return b.op1('Div', [b.op1('Add', [steps, b.floatConstant(0.5)]), b.floatConstant(n)]);
    };
    const gridShape = b.constant([h, w]);
    const xs = b.op1('Expand', [b.op1('Unsqueeze', [axis(w), b.constant([0])]), gridShape]);
    const ys = b.op1('Expand', [b.op1('Unsqueeze', [axis(h), b.constant([1])]), gridShape]);
    const coords = b.op1(
      'Concat',
      [b.op1('Unsqueeze', [xs, b.constant([-1])]), b.op1('Unsqueeze', [ys, b.constant([-1])])],
      { axis: -1 },
    );
    const pe = transpose(b, fourierEncoding(b, coords, gaussian), [2, 0, 1]);
    return b.op1('Unsqueeze', [pe, b.constant([0])]);
  });
}
