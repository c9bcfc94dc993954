/** Builder API for zoo modules: write ONNX graphs the way PyTorch 2.x exports them at opset 17. */

import { SeededRandom } from '@tamkit/common';

export { deriveSeed, hashString, SeededRandom } from '@tamkit/common';
/** @deprecated The zoo's generator is `SeededRandom` of `@tamkit/common`; this alias will be removed. */
export const Rng = SeededRandom;
/** @deprecated The zoo's generator is `SeededRandom` of `@tamkit/common`; this alias will be removed. */
export type Rng = SeededRandom;
export {
  type AttentionOptions,
  type ConvOptions,
  conv2d,
  convTranspose2d,
  gelu,
  gemm,
  layerNorm,
  layerNorm2d,
  linear,
  type NormOptions,
  type ParamOptions,
  relu,
  scaledDotProductAttention,
} from './layers.js';
export {
  type Attributes,
  type ConstantValue,
  ModuleBuilder,
  type ModuleBuilderOptions,
  type WeightInit,
  ZOO_STYLES,
  type ZooStyle,
} from './module-builder.js';
export {
  dimOf,
  dimsOf,
  floorDiv,
  mergeHeads,
  reshape,
  type SizePart,
  shapeTensor,
  sizeOp,
  slice,
  splitHeads,
  transpose,
} from './shape-ops.js';
