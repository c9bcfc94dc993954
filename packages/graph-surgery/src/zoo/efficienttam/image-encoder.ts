/**
 * EfficientTAM-Ti's image encoder at 512 px: a plain ViT trunk (patch 16, width 192, depth 12, 3 heads,
 * windowed attention with window 14 except in blocks 2/5/8/11), an absolute position embedding pretrained at
 * 224 px (14x14) resized bicubically to the 32x32 grid at run time, and the ViTDet neck (1x1 conv to 256,
 * LayerNorm2d, 3x3 conv, LayerNorm2d) plus its sine position encoding (computed in-graph from shapes).
 *
 * With `outliers`, it carries what trained ViTs have and FP16 cannot hold (see `plantOutliers` below).
 */
import { DataType } from '../../onnx/types.js';
import { conv2d, layerNorm2d } from '../builder/layers.js';
import { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, slice, transpose } from '../builder/shape-ops.js';
import { SHARED_DIMS } from './config.js';
import { sinePositionEncoding } from './position-encoding.js';
import type { BuiltModule, ModuleBuildOptions, PlantedOutlier, ZooSize } from './types.js';
import { type BlockPlants, vitBlock } from './vit-block.js';

/** Trunk hyperparameters. */
export interface ImageEncoderConfig {
  patchSize: number;
  embedDim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  windowSize: number;
  globalBlocks: readonly number[];
  /** Side of the pretraining grid of the absolute position embedding (224 / 16). */
  pretrainGrid: number;
}

export const IMAGE_ENCODER_CONFIG: Record<ZooSize, ImageEncoderConfig> = {
  full: {
    patchSize: 16,
    embedDim: 192,
    depth: 12,
    heads: 3,
    mlpRatio: 4,
    windowSize: 14,
    globalBlocks: [2, 5, 8, 11],
    pretrainGrid: 14,
  },
  // Same topology (windowed blocks with padding, then a global one), a fraction of the width and depth.
  tiny: {
    patchSize: 16,
    embedDim: 32,
    depth: 3,
    heads: 2,
    mlpRatio: 4,
    windowSize: 14,
    globalBlocks: [2],
    pretrainGrid: 14,
  },
};

/**
 * Residual-stream magnitudes planted by `--outliers`. Trained ViTs grow a few channels to the thousands (the
 * "massive activations" of LLMs and ViTs); after the 1x1 neck conv they exceed 256 on many channels, so the
 * neck's LayerNorm2d squares them past FP16's 65504.
 */
const RESIDUAL_OUTLIERS = [2600, -3900, 3100];
/** Block whose MLP writes the outlier channels (a windowed block early in the trunk, as in trained ViTs). */
const RESIDUAL_OUTLIER_BLOCK = 1;
/**
 * Target attention logit of the planted attention sink: well above ln(65504) ~ 11.1, where exp() without max
 * subtraction overflows FP16, and far below where the logits themselves would overflow.
 */
const ATTENTION_SINK_LOGIT = 40;

/** Channels carrying planted residual outliers (spread over the width, fixed so culprits are predictable). */
export function residualOutlierChannels(embedDim: number): number[] {
  return [Math.floor(embedDim * 0.14), Math.floor(embedDim * 0.53), Math.floor(embedDim * 0.86)];
}

function plantsFor(cfg: ImageEncoderConfig, index: number, outliers: boolean): BlockPlants {
  if (!outliers) return {};
  const plants: BlockPlants = {};
  if (index === RESIDUAL_OUTLIER_BLOCK) {
    const channels = residualOutlierChannels(cfg.embedDim);
    plants.fc2Bias = (bias) => {
      channels.forEach((c, i) => {
        bias[c] = RESIDUAL_OUTLIERS[i]!;
      });
    };
  }
  if (index === cfg.globalBlocks[0]) {
    // Trained ViTs route attention through the outlier channels ("attention sinks"): head 0's q and k read
    // them, so every query-key pair gets a large, nearly constant logit. After norm1 an outlier channel holds
    // about |m| / rms(m) (the outliers dominate the per-token RMS); weights w on those rows give q.k / sqrt(d)
    // ~ sqrt(d) * (w * sum)^2, solved here for ATTENTION_SINK_LOGIT.
    const channels = residualOutlierChannels(cfg.embedDim);
    const rms = Math.sqrt(RESIDUAL_OUTLIERS.reduce((s, m) => s + m * m, 0) / cfg.embedDim);
    const normed = RESIDUAL_OUTLIERS.map((m) => m / rms);
    const headDim = cfg.embedDim / cfg.heads;
    const sum = normed.reduce((s, v) => s + Math.abs(v), 0);
    const w = Math.sqrt(ATTENTION_SINK_LOGIT / Math.sqrt(headDim)) / sum;
    const columns = 3 * cfg.embedDim;
    // qkv weight is stored [in, 3*dim]; output columns are ordered (q|k|v, head, headDim).
    plants.qkvWeight = (weights) => {
      channels.forEach((row, i) => {
        const signed = Math.sign(normed[i]!) * w;
        for (let j = 0; j < headDim; j++) {
          weights[row * columns + j] = signed;
          weights[row * columns + cfg.embedDim + j] = signed;
        }
      });
    };
  }
  return plants;
}

/** Patch embedding and the interpolated absolute position embedding: [B, 3, S, S] -> [B, S/16, S/16, C]. */
function embed(b: ModuleBuilder, image: string, cfg: ImageEncoderConfig): string {
  const patches = b.scope('patch_embed', () => {
    const conv = conv2d(b, image, 'proj', 3, cfg.embedDim, cfg.patchSize, { stride: cfg.patchSize });
    return transpose(b, conv, [0, 2, 3, 1]);
  });
  // pos_embed[:, 1:].reshape(1, 14, 14, C).permute(0, 3, 1, 2) is folded by torch into one [1, C, 14, 14] constant.
  const g = cfg.pretrainGrid;
  const posEmbed = b.weight('pos_embed', [1, cfg.embedDim, g, g], { std: 0.02 });
  const [h, w] = dimsOf(b, patches, [1, 2]);
  const leading = slice(b, b.op1('Shape', [posEmbed]), 0, 0, 2);
  const hw = [h!, w!].map((d) => b.op1('Unsqueeze', [d, b.constant([0])]));
  // F.interpolate(size=(h, w)): the exporter casts the traced size list to INT64 before joining it to N, C.
  const sizes =
    b.style === 'export'
      ? b.op1('Concat', [leading, b.op1('Cast', [b.op1('Concat', hw, { axis: 0 })], { to: DataType.INT64 })], {
          axis: 0,
        })
      : b.op1('Concat', [leading, ...hw], { axis: 0 });
  const resized = b.op1('Resize', [posEmbed, '', '', sizes], {
    coordinate_transformation_mode: 'half_pixel',
    cubic_coeff_a: -0.75,
    mode: 'cubic',
    nearest_mode: 'floor',
  });
  return b.op1('Add', [patches, transpose(b, resized, [0, 2, 3, 1])]);
}

/** Builds `image_encoder.onnx`: `image` [1,3,512,512] -> `vision_features`, `vision_pos_enc` [1,d_model,32,32]. */
export function buildImageEncoder(options: ModuleBuildOptions): BuiltModule {
  const cfg = IMAGE_ENCODER_CONFIG[options.size];
  const dims = SHARED_DIMS[options.size];
  const b = new ModuleBuilder('image_encoder', {
    seed: options.seed,
    style: options.style ?? 'export',
    graphName: 'main_graph',
  });
  const image = b.input('image', [1, 3, dims.imageSize, dims.imageSize]);
  const planted: PlantedOutlier[] = [];
  const trunkOut = b.scope('trunk', () => {
    let x = embed(b, image, cfg);
    for (let i = 0; i < cfg.depth; i++) {
      const windowSize = cfg.globalBlocks.includes(i) ? 0 : cfg.windowSize;
      const block = vitBlock(
        b,
        x,
        i,
        { dim: cfg.embedDim, heads: cfg.heads, mlpRatio: cfg.mlpRatio, windowSize },
        plantsFor(cfg, i, options.outliers),
      );
      if (options.outliers && i === RESIDUAL_OUTLIER_BLOCK)
        planted.push(
          culprit(
            b,
            block.mlpOutput,
            'residual-channel',
            `residual channels ${residualOutlierChannels(cfg.embedDim).join(', ')} set to ${RESIDUAL_OUTLIERS.join(', ')} by mlp.fc2's bias; they stay in the residual stream of every later block`,
          ),
        );
      if (options.outliers && i === cfg.globalBlocks[0])
        planted.push(
          culprit(
            b,
            block.attentionScores,
            'attention-logits',
            `head 0's q and k read the residual outlier channels (an attention sink): logits near ${ATTENTION_SINK_LOGIT} for every query-key pair, harmless to a stabilised softmax but exp() without max subtraction overflows FP16 above 11.1`,
          ),
        );
      x = block.output;
    }
    return transpose(b, x, [0, 3, 1, 2]);
  });
  const [features, pos] = b.scope('neck', () => {
    const out = b.scope('convs.0', () => {
      const reduced = conv2d(b, trunkOut, 'conv_1x1', cfg.embedDim, dims.dModel, 1, { bias: false });
      const n1 = layerNorm2d(b, reduced, 'norm_0', dims.dModel);
      if (options.outliers) {
        const pow = b.graph.node.find((n) => n.opType === 'Pow' && n.name?.startsWith(`${b.nodeScope}/norm_0/`));
        if (pow)
          planted.push({
            node: pow.name!,
            tensor: pow.output[0]!,
            kind: 'sum-of-squares',
            detail: 'LayerNorm2d squares neck channels above 256 (fed by the residual outliers): x^2 overflows FP16',
          });
      }
      const spatial = conv2d(b, n1, 'conv_3x3', dims.dModel, dims.dModel, 3, { padding: 1, bias: false });
      return layerNorm2d(b, spatial, 'norm_1', dims.dModel);
    });
    return [out, sinePositionEncoding(b, out, dims.dModel, 'position_encoding')];
  });
  const side = dims.featureSize;
  b.output('vision_features', features, [1, dims.dModel, side, side]);
  b.output('vision_pos_enc', pos, [1, dims.dModel, side, side]);
  return { model: b.build(), plantedOutliers: planted };
}

function culprit(b: ModuleBuilder, tensor: string, kind: PlantedOutlier['kind'], detail: string): PlantedOutlier {
  const node = b.producerOf(tensor);
  return { node: node?.name ?? '', tensor, kind, detail };
}
