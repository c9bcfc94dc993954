/**
 * The EfficientTAM-Ti module registry: module name -> build function, in pipeline order. Every entry has the
 * shared `ModuleBuildFn` signature; `buildZoo` builds the modules listed here.
 */
import { TRACKER_MODULES, type TrackerModule } from '../../tracker-modules.js';
import { buildImageEncoder } from './image-encoder.js';
import { buildMaskDecoder } from './mask-decoder.js';
import { buildMemoryAttention } from './memory-attention.js';
import { buildMemoryEncoder } from './memory-encoder.js';
import type { ModuleBuildFn } from './types.js';

export { SHARED_DIMS, type SharedDims } from './config.js';
export {
  buildImageEncoder,
  IMAGE_ENCODER_CONFIG,
  type ImageEncoderConfig,
  residualOutlierChannels,
} from './image-encoder.js';
export {
  buildMaskDecoder,
  MASK_DECODER_CONFIGS,
  type MaskDecoderConfig,
  NO_OBJECT_SCORE,
  NUM_POINTS_DIM,
} from './mask-decoder.js';
export {
  buildMemoryAttention,
  MEMORY_ATTENTION_CONFIGS,
  MEMORY_TOKENS_DIM,
  type MemoryAttentionConfig,
  memoryTokenCount,
  tokensPerObjectPointer,
} from './memory-attention.js';
export { buildMemoryEncoder } from './memory-encoder.js';
export { sinePositionEncoding } from './position-encoding.js';
export { computeAxialRopeTables, type RopeTables } from './rope.js';
export type { BuiltModule, ModuleBuildFn, ModuleBuildOptions, PlantedOutlier, ZooSize } from './types.js';

/** The four ONNX modules of EfficientTAM-Ti at 512 px: the tracker's modules (`TRACKER_MODULES`). */
export const EFFICIENTTAM_MODULES = TRACKER_MODULES;
export type EfficientTamModule = TrackerModule;

/** Build functions by module name. Entries land as the modules are written. */
export const efficientTamTiBuilders: Partial<Record<EfficientTamModule, ModuleBuildFn>> = {
  image_encoder: buildImageEncoder,
  memory_attention: buildMemoryAttention,
  mask_decoder: buildMaskDecoder,
  memory_encoder: buildMemoryEncoder,
};
