// Errors and exit codes shared by every tamkit package.
export { ExitCode, InternalError, ToolkitError, UsageError } from './errors.js';
export {
  getAttribute,
  getFloat,
  getInt,
  getIntNumber,
  getInts,
  getString,
  getTensorAttribute,
  setAttribute,
} from './graph/attributes.js';
export {
  type AttributeValue,
  type Dim,
  emptyAttribute,
  emptyGraph,
  type ModelSpec,
  makeAttribute,
  makeModel,
  makeNode,
  makeTensorType,
  makeValueInfo,
  type NodeSpec,
} from './graph/build.js';
export { cloneMessage } from './graph/clone.js';
export { Graph, nodeReads, outerReferences, subgraphsOf } from './graph/graph.js';
export {
  estimateFlops,
  type FlopsCategory,
  type FlopsEstimate,
  type FlopsOptions,
  formatFlops,
} from './inspect/flops.js';
export {
  formatSummary,
  type InspectOptions,
  inspectModel,
  type ModelSummary,
  signatureOf,
  type TensorSignature,
} from './inspect/inspect.js';
export {
  inferShapes,
  type ShapeInference,
  type ShapeInferenceOptions,
  type TensorFacts,
} from './inspect/shape-inference.js';
// ONNX I/O
export { decodeMessage, encodeMessage, encodeMessageChunks, messageSpec, WireFormatError } from './onnx/codec.js';
export { externalRef, resolveExternalPath } from './onnx/external-data.js';
export { assertNotSameFile, tempPathFor, writeFileAtomic } from './onnx/files.js';
export {
  bfloat16BitsToFloat32,
  FLOAT16_MAX,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './onnx/float-bits.js';
export {
  decodeModel,
  encodeModel,
  externalOrigin,
  loadExternalData,
  PROTOBUF_LIMIT,
  type ReadModelOptions,
  readModel,
  type WriteModelOptions,
  writeModel,
} from './onnx/model-io.js';
export {
  dataTypeBits,
  dataTypeName,
  elementCount,
  emptyTensorFields,
  encodeValues,
  isFloatType,
  makeTensor,
  readFloatValues,
  readTensorValues,
  type TypedValues,
  toSafeNumber,
  type ValuesInput,
} from './onnx/tensor-data.js';
export * from './onnx/types.js';
export { visitGraphs, visitGraphTensors, visitModelTensors } from './onnx/walk.js';
// Model zoo: builder API and the EfficientTAM-Ti module registry.
export * from './zoo/builder/index.js';
export {
  type BuiltModule,
  buildImageEncoder,
  buildMaskDecoder,
  buildMemoryAttention,
  buildMemoryEncoder,
  computeAxialRopeTables,
  EFFICIENTTAM_MODULES,
  type EfficientTamModule,
  efficientTamTiBuilders,
  IMAGE_ENCODER_CONFIG,
  type ImageEncoderConfig,
  MASK_DECODER_CONFIGS,
  type MaskDecoderConfig,
  MEMORY_ATTENTION_CONFIGS,
  MEMORY_TOKENS_DIM,
  type MemoryAttentionConfig,
  type ModuleBuildFn,
  type ModuleBuildOptions,
  memoryTokenCount,
  NO_OBJECT_SCORE,
  NUM_POINTS_DIM,
  type PlantedOutlier,
  type RopeTables,
  residualOutlierChannels,
  SHARED_DIMS,
  type SharedDims,
  sinePositionEncoding,
  tokensPerObjectPointer,
  type ZooSize,
} from './zoo/efficienttam/index.js';
export {
  type BuildZooOptions,
  buildZoo,
  writeZoo,
  ZOO_GENERATOR_VERSION,
  ZOO_MODELS,
  type ZooBuild,
  type ZooManifest,
  type ZooManifestModule,
  type ZooModel,
} from './zoo/zoo.js';
