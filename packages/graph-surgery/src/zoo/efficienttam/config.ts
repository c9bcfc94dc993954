/**
 * Sizes shared by the four modules, so that a tiny image_encoder feeds a tiny memory_attention and mask_decoder.
 * Spatial sizes are the same at both sizes (512 px image, 32x32 features, 128x128 masks, 1024 tokens per frame):
 * only channel widths and depths shrink, so every pipeline shape except channel counts is as documented.
 */
import type { ZooSize } from './types.js';

export interface SharedDims {
  /** Input image side in pixels. */
  imageSize: number;
  /** Feature map side (imageSize / 16). */
  featureSize: number;
  /** Channels of image features, pos-encs, memory-attention width (`d_model`, 256 in full). */
  dModel: number;
  /** Channels of memory features and memory pos-enc (`mem_dim`, 64 in full). */
  memDim: number;
  /** Low-res mask side (4 x featureSize). */
  maskSize: number;
}

export const SHARED_DIMS: Record<ZooSize, SharedDims> = {
  full: { imageSize: 512, featureSize: 32, dModel: 256, memDim: 64, maskSize: 128 },
  tiny: { imageSize: 512, featureSize: 32, dModel: 32, memDim: 16, maskSize: 128 },
};
