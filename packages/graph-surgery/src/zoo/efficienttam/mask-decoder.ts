/**
 * EfficientTAM-Ti's mask_decoder as a SAM 2 export wrapper traces it: prompt encoder (points/boxes, no mask),
 * SAM 2's MaskDecoder (object-score, IoU and mask tokens through the two-way transformer, transposed-conv
 * upscaling to 4x the grid, per-token hypernetwork MLPs, IoU head with sigmoid, object-score MLP), multimask
 * outputs, and SAM2Base's object pointer: the best-IoU multimask token through obj_ptr_proj, blended with
 * no_obj_ptr when the object is absent. Masks are set to -1024 where the object-score logit is <= 0.
 */

import { DataType } from '../../onnx/types.js';
import { convTranspose2d, gelu, layerNorm2d } from '../builder/layers.js';
import { ModuleBuilder } from '../builder/module-builder.js';
import { dimOf, dimsOf, reshape, shapeTensor, slice, transpose } from '../builder/shape-ops.js';
import { expandLikeTorch, pickRows, repeatInterleave } from '../builder/torch-idioms.js';
import { SHARED_DIMS } from './config.js';
import { addGaussianMatrix, densePositionalEncoding, embedPoints, noMaskEmbedding } from './prompt-encoder.js';
import { samMlp } from './sam-layers.js';
import { twoWayTransformer } from './two-way-transformer.js';
import type { BuiltModule, ModuleBuildOptions, ZooSize } from './types.js';

/** Hyperparameters of one mask_decoder size. */
export interface MaskDecoderConfig {
  /** transformer_dim: width of image_embed channels, tokens and obj_ptr. */
  dim: number;
  /** Image-embedding grid [height, width]; masks come out at 4x. */
  grid: readonly [number, number];
  /** Prompt coordinate space [height, width] in pixels. */
  imageSize: readonly [number, number];
  depth: number;
  heads: number;
  mlpDim: number;
  attentionDownsampleRate: number;
  /** Multimask outputs (3); the decoder holds one more mask token. */
  multimaskOutputs: number;
  /** nn.LayerNorm's default in the transformer. */
  eps: number;
  /** LayerNorm2d's epsilon in the upscaling path. */
  eps2d: number;
}

/** `full` is efficienttam_ti_512x512's; `tiny` keeps the topology (grid, masks, token counts) at small widths. */
export const MASK_DECODER_CONFIGS: Record<ZooSize, MaskDecoderConfig> = {
  full: {
    dim: SHARED_DIMS.full.dModel,
    grid: [SHARED_DIMS.full.featureSize, SHARED_DIMS.full.featureSize],
    imageSize: [SHARED_DIMS.full.imageSize, SHARED_DIMS.full.imageSize],
    depth: 2,
    heads: 8,
    mlpDim: 2048,
    attentionDownsampleRate: 2,
    multimaskOutputs: 3,
    eps: 1e-5,
    eps2d: 1e-6,
  },
  tiny: {
    dim: SHARED_DIMS.tiny.dModel,
    grid: [SHARED_DIMS.tiny.featureSize, SHARED_DIMS.tiny.featureSize],
    imageSize: [SHARED_DIMS.tiny.imageSize, SHARED_DIMS.tiny.imageSize],
    depth: 2,
    heads: 4,
    mlpDim: 64,
    attentionDownsampleRate: 2,
    multimaskOutputs: 3,
    eps: 1e-5,
    eps2d: 1e-6,
  },
};

/** Value SAM 2 writes into the masks of frames where the object is judged absent. */
export const NO_OBJECT_SCORE = -1024;

/** Symbolic name of the prompt-point axis of `point_coords` and `point_labels`. */
export const NUM_POINTS_DIM = 'num_points';

/** A trained object-score head says "present" on most frames; a positive offset keeps masks from being all -1024. */
const OBJECT_SCORE_BIAS = { init: 'constant', value: 2, jitter: 0.1 } as const;

/** output_upscaling: ConvTranspose 2x2/2 -> LayerNorm2d -> GELU -> ConvTranspose 2x2/2 -> GELU (dim -> dim/8). */
function upscale(b: ModuleBuilder, src: string, config: MaskDecoderConfig): string {
  const { dim } = config;
  let x = convTranspose2d(b, src, 'output_upscaling.0', dim, dim / 4, 2, { stride: 2 });
  x = layerNorm2d(b, x, 'output_upscaling.1', dim / 4, { eps: config.eps2d });
  x = gelu(b, x, 'output_upscaling.2');
  x = convTranspose2d(b, x, 'output_upscaling.3', dim / 4, dim / 8, 2, { stride: 2 });
  return gelu(b, x, 'output_upscaling.4');
}

interface DecoderOutputs {
  masks: string;
  iou: string;
  multimaskTokens: string;
  objectScore: string;
}

/** MaskDecoder.predict_masks + the multimask slicing of forward(), in scope `sam_mask_decoder`. */
function maskDecoder(
  b: ModuleBuilder,
  image: string,
  imagePe: string,
  sparse: string,
  dense: string,
  config: MaskDecoderConfig,
): DecoderOutputs {
  return b.scope('sam_mask_decoder', () => {
    const { dim } = config;
    const maskTokenCount = config.multimaskOutputs + 1;
    const tokenInit = { std: 0.5 };
    const objScoreToken = b.scope('obj_score_token', () => b.weight('weight', [1, dim], tokenInit));
    const iouToken = b.scope('iou_token', () => b.weight('weight', [1, dim], tokenInit));
    const maskTokens = b.scope('mask_tokens', () => b.weight('weight', [maskTokenCount, dim], tokenInit));
    const outputTokens = b.op1('Concat', [objScoreToken, iouToken, maskTokens], { axis: 0 });
    const batchTokens = shapeTensor(b, [dimOf(b, sparse, 0), -1, -1]);
    const expanded = expandLikeTorch(b, b.op1('Unsqueeze', [outputTokens, b.constant([0])]), batchTokens);
    const tokens = b.op1('Concat', [expanded, sparse], { axis: 1 });
    const src = b.op1('Add', [image, dense]);

    const transformerDims = {
      dim,
      depth: config.depth,
      heads: config.heads,
      mlpDim: config.mlpDim,
      downsampleRate: config.attentionDownsampleRate,
      eps: config.eps,
    };
    // pos_src = torch.repeat_interleave(image_pe, tokens.shape[0], dim=0): the export traces the batch size.
    const posSrc = b.style === 'export' ? repeatInterleave(b, imagePe, 4, dimOf(b, tokens, 0), 0) : imagePe;
    const { queries, keys } = twoWayTransformer(b, src, posSrc, tokens, transformerDims);
    const iouTokenOut = b.op1('Gather', [queries, b.constant(1)], { axis: 1 });
    const maskTokensOut = slice(b, queries, 1, 2, 2 + maskTokenCount);

    const [batch, channels, height, width] = dimsOf(b, src, [0, 1, 2, 3]);
    const srcMap = reshape(b, transpose(b, keys, [0, 2, 1]), [batch!, channels!, height!, width!]);
    const upscaled = upscale(b, srcMap, config);

    const hyper: string[] = [];
    for (let i = 0; i < maskTokenCount; i++) {
      const token = b.op1('Gather', [maskTokensOut, b.constant(i)], { axis: 1 });
      const out = samMlp(b, token, `output_hypernetworks_mlps.${i}`, [dim, dim, dim, dim / 8], {
        twoD: true,
        init: 'kaiming',
      });
      hyper.push(b.op1('Unsqueeze', [out, b.constant([1])]));
    }
    const hyperIn = b.op1('Concat', hyper, { axis: 1 });
    const [ub, uc, uh, uw] = dimsOf(b, upscaled, [0, 1, 2, 3]);
    const flat = reshape(b, upscaled, [ub!, uc!, b.op1('Mul', [uh!, uw!])]);
    const masks = reshape(b, b.op1('MatMul', [hyperIn, flat]), [ub!, -1, uh!, uw!]);

    const iou = samMlp(b, iouTokenOut, 'iou_prediction_head', [dim, dim, dim, maskTokenCount], {
      twoD: true,
      init: 'kaiming',
      sigmoidOutput: true,
    });
    const objToken = b.op1('Gather', [queries, b.constant(0)], { axis: 1 });
    const objectScore = samMlp(b, objToken, 'pred_obj_score_head', [dim, dim, dim, 1], {
      twoD: true,
      init: 'kaiming',
      lastBias: OBJECT_SCORE_BIAS,
    });
    // multimask_output: drop the single-mask output (index 0).
    return {
      masks: slice(b, masks, 1, 1, Number.MAX_SAFE_INTEGER),
      iou: slice(b, iou, 1, 1, Number.MAX_SAFE_INTEGER),
      multimaskTokens: slice(b, maskTokensOut, 1, 1, Number.MAX_SAFE_INTEGER),
      objectScore,
    };
  });
}

/** SAM2Base: obj_ptr from the best-IoU token, blended with no_obj_ptr where the object is absent. */
function objectPointer(b: ModuleBuilder, out: DecoderOutputs, appearing: string, config: MaskDecoderConfig): string {
  const best = b.op1('ArgMax', [out.iou], { axis: -1, keepdims: 0 });
  let token: string;
  if (b.style === 'export') {
    // sam_output_tokens[torch.arange(B), best_iou_inds], as SAM2Base indexes it.
    token = pickRows(b, out.multimaskTokens, best);
  } else {
    const oneHot = b.op1('OneHot', [best, b.constant(config.multimaskOutputs), b.floatConstant([0, 1])], {
      axis: -1,
    });
    const picked = b.op1('MatMul', [b.op1('Unsqueeze', [oneHot, b.constant([1])]), out.multimaskTokens]);
    token = b.op1('Squeeze', [picked, b.constant([1])]);
  }
  const { dim } = config;
  const pointer = samMlp(b, token, 'obj_ptr_proj', [dim, dim, dim, dim], { twoD: true, init: 'kaiming' });
  const lambda = b.op1('Cast', [appearing], { to: DataType.FLOAT });
  const noObjPtr = b.weight('no_obj_ptr', [1, dim], { std: 0.02 });
  const absent = b.op1('Mul', [b.op1('Sub', [b.floatConstant(1), lambda]), noObjPtr]);
  return b.op1('Add', [b.op1('Mul', [lambda, pointer]), absent]);
}

/**
 * Builds mask_decoder: inputs `image_embed`, `point_coords`, `point_labels` (int32); outputs `low_res_masks`,
 * `iou_predictions`, `obj_ptr`, `object_score_logits`.
 */
export function buildMaskDecoder(options: ModuleBuildOptions): BuiltModule {
  const config = MASK_DECODER_CONFIGS[options.size];
  const { dim, grid, multimaskOutputs } = config;
  // The wrapper holds sam_prompt_encoder, sam_mask_decoder and obj_ptr_proj at top level: no root scope.
  const b = new ModuleBuilder('', { seed: options.seed, style: options.style ?? 'export', graphName: 'main_graph' });
  const image = b.input('image_embed', [1, dim, grid[0], grid[1]]);
  const coords = b.input('point_coords', [1, NUM_POINTS_DIM, 2]);
  const labels = b.input('point_labels', [1, NUM_POINTS_DIM], DataType.INT32);

  const promptDims = { dim, grid, imageSize: config.imageSize };
  const { sparse, dense, imagePe } = b.scope('sam_prompt_encoder', () => {
    const gaussian = addGaussianMatrix(b, promptDims);
    return {
      sparse: embedPoints(b, coords, labels, gaussian, promptDims),
      dense: noMaskEmbedding(b, dimOf(b, coords, 0), promptDims),
      imagePe: densePositionalEncoding(b, gaussian, promptDims),
    };
  });
  const decoded = maskDecoder(b, image, imagePe, sparse, dense, config);

  const appearing = b.op1('Greater', [decoded.objectScore, b.floatConstant(0)]);
  const appearingMap = b.op1('Unsqueeze', [appearing, b.constant([2, 3])]);
  const gated = b.op1('Where', [appearingMap, decoded.masks, b.floatConstant(NO_OBJECT_SCORE)]);
  // SAM2Base converts the masks with .float() (a Cast the exporter keeps, hence `Castlow_res_masks_dim_0`).
  const masks = b.style === 'export' ? b.op1('Cast', [gated], { to: DataType.FLOAT }) : gated;
  const pointer = objectPointer(b, decoded, appearing, config);

  b.output('low_res_masks', masks, [1, multimaskOutputs, 4 * grid[0], 4 * grid[1]]);
  b.output('iou_predictions', decoded.iou, [1, multimaskOutputs]);
  b.output('obj_ptr', pointer, [1, dim]);
  b.output('object_score_logits', decoded.objectScore, [1, 1]);
  // FLOPs for a box prompt (two corner points), the tracker's first-frame call.
  return { model: b.build(), plantedOutliers: [], flopsAt: { dims: { [NUM_POINTS_DIM]: 2 } } };
}
