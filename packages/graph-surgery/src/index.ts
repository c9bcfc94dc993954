// Deprecated re-exports of the errors and exit codes, which live in @tamkit/common now (see ./errors.ts).

// Re-exported for code written against the old location; they live in @tamkit/common.
export { assertNotSameFile, tempPathFor, writeFileAtomic } from '@tamkit/common';
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
export { Graph, namesIn, nodeReads, outerReferences, renameOuterReads, subgraphsOf } from './graph/graph.js';
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
export { decodeMessage, encodeMessage, encodeMessageChunks, WireFormatError } from './onnx/codec.js';
export { externalRef, resolveExternalPath } from './onnx/external-data.js';
export {
  bfloat16BitsToFloat32,
  FLOAT16_MAX,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './onnx/float-bits.js';
export { messageSpec } from './onnx/message-specs.js';
export {
  assertModelFilesReadable,
  decodeModel,
  encodeModel,
  externalOrigin,
  loadExternalData,
  type ReadModelOptions,
  readModel,
} from './onnx/model-io.js';
export { PROTOBUF_LIMIT, type WriteModelOptions, type WrittenModel, writeModel } from './onnx/model-write.js';
export {
  elemTypeOf,
  elemTypeOfTypeString,
  type FormalParam,
  innerTensorType,
  type OpSchema,
  opSchema,
  SCHEMA_MAX_OPSET,
} from './onnx/op-schemas.js';
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
// Precision plans: one format for every stack (engine-builder builds TensorRT engines from them).
export { type ApplyPlanReport, applyPrecisionPlan, autoPinFinder } from './passes/apply-plan.js';
// Bakes
export { type BakeModuleOptions, type BakeModuleReport, bakeModule } from './passes/bake/bake-module.js';
export { appliedBakes } from './passes/bake/common.js';
export {
  bakeFeatureLayout,
  type FeatureLayoutOptions,
  type FeatureLayoutReport,
} from './passes/bake/feature-layout.js';
export { bakeMaskBox, type MaskBoxOptions, type MaskBoxReport } from './passes/bake/mask-box.js';
export { bakeMaskResize, type MaskResizeOptions, type MaskResizeReport } from './passes/bake/mask-resize.js';
export { bakeMemoryLayout, type MemoryLayoutOptions, type MemoryLayoutReport } from './passes/bake/memory-layout.js';
export {
  bakeMemoryMask,
  MEMORY_MASK_INPUTS,
  type MemoryMaskOptions,
  type MemoryMaskReport,
} from './passes/bake/memory-mask.js';
export {
  bakePreprocess,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type PreprocessOptions,
  type PreprocessReport,
} from './passes/bake/preprocess.js';
export { assertModule, MODULES, type ModuleKind, recognizeModule } from './passes/bake/recognize.js';
export { type Bfloat16Options, type Bfloat16Report, convertToBfloat16 } from './passes/bf16.js';
export {
  describeEmulation,
  EMULATION_BLIND_SPOT,
  EMULATION_METADATA_KEY,
  type EmulateFloat16Options,
  type EmulateFloat16Report,
  type EmulationStamp,
  emulateFloat16,
  emulationStampOf,
} from './passes/emulate-fp16.js';
export {
  applyPassToFolder,
  FOLDER_COMPANIONS,
  type FolderPassOptions,
  type FolderPassResult,
  isDirectory,
} from './passes/folder.js';
export { convertToFloat16, type Float16Options, type Float16Report } from './passes/fp16.js';
export { type Fp32IslandOptions, type Fp32IslandReport, insertFp32Islands } from './passes/fp32-islands.js';
export {
  FUSIONS,
  type FuseOptions,
  type FuseReport,
  type FusionName,
  fuseForOrt,
  isFusionName,
} from './passes/fuse/index.js';
// Merging modules into one graph (fewer runs, no host round trip between them)
export { type MergeOptions, type MergeReport, mergeModels } from './passes/merge.js';
export { keepNodePrefix, type NodePrefix, nodesInOrder } from './passes/prefix.js';
export { type ProbeOptions, type ProbeReport, probeTensors } from './passes/probe.js';
// Passes: pure functions model -> { model, report }
export {
  computeRegionInFloat32,
  type RegionCasts,
  type RegionScope,
  removeCancellingCasts,
} from './passes/support/casts.js';
export { inferElemTypes, outputTypesOf } from './passes/support/elem-types.js';
export { type AccumulationOptions, accumulateMatMul } from './passes/support/fp16-accumulation.js';
export type { DtypeFix, OutOfRangeValues } from './passes/support/fp16-values.js';
export type { LowFloatType } from './passes/support/half-arrays.js';
export type { KeptForStack, LowPrecisionOptions, LowPrecisionReport } from './passes/support/low-precision.js';
export {
  isFixedFloatInput,
  lowPrecisionFit,
  nonTensorValues,
  type PrecisionFit,
  schemaTypeViolations,
} from './passes/support/op-precision.js';
export { KNOWN_STACK_FAILURES, type KnownStackFailure, knownFailuresOf } from './passes/support/stack-failures.js';
export { checkSubgraphTypes, inferModelElemTypes } from './passes/support/subgraph-types.js';
// Patterns
export { type AttentionForm, type AttentionMatch, findAttentionScores } from './patterns/attention.js';
export {
  LONG_REDUCTION,
  type MixedPresetOptions,
  mixedPresetNodes,
  type PresetNode,
  type ReductionLength,
  valuesReductionLengths,
} from './patterns/mixed-preset.js';
export { findNormalizations, type NormalizationMatch } from './patterns/normalization.js';
export {
  explainPattern,
  isNodePattern,
  NODE_PATTERNS,
  type NodePattern,
  nodeNamesOfPattern,
  tensorsOfPattern,
} from './patterns/select.js';
export {
  applyPlanEdits,
  createPlanApplier,
  type GraphEdit,
  type PlanBase,
  planGraphEdits,
} from './plan/graph-edits.js';
export { type GraphNodeView, type GraphView, graphViewOf } from './plan/graph-view.js';
export { AUTO_PIN_KINDS, type AutoPinKind, type PrecisionPlan, planForPrecision } from './plan/plan.js';
export {
  isPrecision,
  PRECISION_MODES,
  PRECISIONS,
  type Precision,
  type PrecisionMode,
} from './plan/precision.js';
export {
  type AutoPin,
  type AutoPinFinder,
  compileNodePattern,
  type ResolvedPlan,
  resolvePlan,
} from './plan/resolve.js';
export { loadPlan, serializePlan, validatePlan } from './plan/validate.js';
// Specialisation: bind input dims and integer inputs, fold what becomes constant
export type { Bindings, BoundInput } from './specialize/bind.js';
export { type BindingConflict, BindingConflictError } from './specialize/conflict.js';
export { pinInputDims } from './specialize/pin.js';
export type { KeptNode } from './specialize/propagate.js';
export { formatSpecializeReport, type SpecializeReport } from './specialize/report.js';
export { type SpecializeOptions, specializeModel } from './specialize/specialize.js';
// The tracker's modules: the one list and the one recognition rule every package uses.
export {
  currentFrameSequence,
  type DeclaredTensor,
  isMemoryLike,
  isPointerCountInput,
  isTrackerModule,
  type ModuleSignature,
  moduleCandidates,
  type Recognition,
  recognizeModuleSignature,
  signatureOfModel,
  TRACKER_MODULES,
  type TrackerModule,
} from './tracker-modules.js';
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
