/**
 * EfficientTAM-Ti's memory encoder (SAM 2's MemoryEncoder): the mask (already sigmoid*20-10, so no Sigmoid in
 * the graph) goes through the mask downsampler (four conv3 stride 2 with LayerNorm2d + GELU, channels
 * 1->4->16->64->256, then a 1x1 conv), is added to the 1x1-projected image features, fused by two ConvNeXt
 * blocks (depthwise 7x7, LayerNorm2d, pointwise MLP as MatMul with GELU, layer scale, residual) and projected
 * to 64 channels. Outputs the memory features and their sine position encoding.
 */
import { conv2d, gelu, layerNorm2d, linear } from '../builder/layers.js';
import { ModuleBuilder } from '../builder/module-builder.js';
import { transpose } from '../builder/shape-ops.js';
import { SHARED_DIMS } from './config.js';
import { sinePositionEncoding } from './position-encoding.js';
import type { BuiltModule, ModuleBuildOptions } from './types.js';

/** Fuser depth and the ConvNeXt block's kernel and MLP expansion. */
const FUSER_LAYERS = 2;
const FUSER_KERNEL = 7;
const FUSER_EXPANSION = 4;
/** Stride-2 convs in the mask downsampler (512 -> 32 px). */
const DOWNSAMPLER_STAGES = 4;

/** mask_downsampler.encoder: [conv, LayerNorm2d, GELU] x 4 then a 1x1 conv to d_model. */
function maskDownsampler(b: ModuleBuilder, mask: string, dModel: number): string {
  return b.scope('mask_downsampler', () =>
    b.scope('encoder', () => {
      let x = mask;
      let inChannels = 1;
      let index = 0;
      for (let stage = 0; stage < DOWNSAMPLER_STAGES; stage++) {
        // Channels grow by stride^2 = 4 per stage (1->4->16->64->256 at full size), capped at d_model for tiny.
        const outChannels = Math.min(inChannels * 4, dModel);
        x = conv2d(b, x, `${index++}`, inChannels, outChannels, 3, { stride: 2, padding: 1 });
        x = layerNorm2d(b, x, `${index++}`, outChannels);
        x = gelu(b, x, `${index++}`);
        inChannels = outChannels;
      }
      return conv2d(b, x, `${index}`, inChannels, dModel, 1);
    }),
  );
}

/** One CXBlock of the fuser: x + gamma * pwconv2(gelu(pwconv1(norm(dwconv(x)).permute))).permute. */
function convNextBlock(b: ModuleBuilder, x: string, index: number, dim: number): string {
  return b.scope(`layers.${index}`, () => {
    const dw = conv2d(b, x, 'dwconv', dim, dim, FUSER_KERNEL, { padding: (FUSER_KERNEL - 1) / 2, groups: dim });
    const normed = transpose(b, layerNorm2d(b, dw, 'norm', dim), [0, 2, 3, 1]);
    const hidden = gelu(b, linear(b, normed, 'pwconv1', dim, FUSER_EXPANSION * dim), 'act');
    const projected = linear(b, hidden, 'pwconv2', FUSER_EXPANSION * dim, dim);
    // Layer scale starts at 1e-6 in training; trained values sit around 0.1.
    const gamma = b.weight('gamma', [dim], { init: 'constant', value: 0.1, jitter: 0.03 });
    const scaled = transpose(b, b.op1('Mul', [gamma, projected]), [0, 3, 1, 2]);
    return b.op1('Add', [x, scaled]);
  });
}

/**
 * Builds `memory_encoder.onnx`: `pix_feat` [1,d_model,32,32] and `mask_for_mem` [1,1,512,512] ->
 * `maskmem_features`, `maskmem_pos_enc` [1,mem_dim,32,32].
 */
export function buildMemoryEncoder(options: ModuleBuildOptions): BuiltModule {
  const dims = SHARED_DIMS[options.size];
  const side = dims.featureSize;
  const b = new ModuleBuilder('memory_encoder', {
    seed: options.seed,
    style: options.style ?? 'export',
    graphName: 'main_graph',
  });
  const pixFeat = b.input('pix_feat', [1, dims.dModel, side, side]);
  const mask = b.input('mask_for_mem', [1, 1, dims.imageSize, dims.imageSize]);
  const maskFeatures = maskDownsampler(b, mask, dims.dModel);
  const projected = conv2d(b, pixFeat, 'pix_feat_proj', dims.dModel, dims.dModel, 1);
  let x = b.op1('Add', [projected, maskFeatures]);
  x = b.scope('fuser', () => {
    let y = x;
    for (let i = 0; i < FUSER_LAYERS; i++) y = convNextBlock(b, y, i, dims.dModel);
    return y;
  });
  const features = conv2d(b, x, 'out_proj', dims.dModel, dims.memDim, 1);
  // The reference export's memory_encoder has no run-time shapes at all: its pos-enc sizes fold to constants.
  const pos = sinePositionEncoding(b, features, dims.memDim, 'position_encoding', [1, side, side]);
  b.output('maskmem_features', features, [1, dims.memDim, side, side]);
  b.output('maskmem_pos_enc', pos, [1, dims.memDim, side, side]);
  return { model: b.build(), plantedOutliers: [] };
}
