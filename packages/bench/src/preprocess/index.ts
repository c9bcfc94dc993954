export { BilinearPlan } from './bilinear.js';
export {
  type ChannelAffine,
  channelAffine,
  IMAGENET_MEAN,
  IMAGENET_STD,
  MODEL_INPUT_SIZE,
  type NormalizeOptions,
  normalizeToChw,
  type RawImage,
} from './normalize.js';
export { type EncodedImage, Preprocessor, type PreprocessorOptions } from './preprocessor.js';
export { SIMD_MAX_LEVEL_ERROR, SimdBilinearPlan, simdResizeSupported } from './wasm/bilinear-simd.js';
