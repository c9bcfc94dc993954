// Measurement: budgets, statistics, inputs, environment, the per-module run.
export {
  collectEnvironment,
  type EnvironmentOptions,
  type GpuInfo,
  parseNvidiaSmiGpus,
  probeNvidiaGpu,
} from './measure/environment.js';
export { findModels, moduleName } from './measure/find-models.js';
export { sha256File } from './measure/hash.js';
export { generateFeeds } from './measure/inputs.js';
export {
  DEFAULT_ITERATIONS_PER_ROUND,
  DEFAULT_ROUNDS,
  type InterleaveOptions,
  type InterleaveProgress,
  remeasureInterleaved,
} from './measure/interleave.js';
export { latencyWithSamples } from './measure/latency-samples.js';
export { type BenchProgress, type BenchRunOptions, benchModule, runBench } from './measure/run-bench.js';
export {
  DEFAULT_TIME_MS,
  DEFAULT_WARMUP_ITERATIONS,
  type MeasureBudget,
  type Measurement,
  measureRunner,
} from './measure/sample.js';
export {
  DEFAULT_PROMPT_POINTS,
  FULL_MEMORY_BANK,
  type ModuleKind,
  parseShapeSpecs,
  type ResolvedShapes,
  recogniseModule,
  resolveInputShapes,
} from './measure/shapes.js';
export { computeLatencyStats } from './measure/stats.js';
// The tracking loop and the pipeline benchmark.
export * from './pipeline/index.js';
export * from './preprocess/index.js';
export * from './report/index.js';
export * from './report/schema.js';
// Stacks: the Runner contract, the registry, and the pieces a custom runner or the tracking loop reuses.
export { type Availability, available, unavailable } from './stacks/availability.js';
export { RunnerErrorCode, StackUnavailableError } from './stacks/errors.js';
export { readModelSignature } from './stacks/model-signature.js';
export { loadOrt, type OrtModule, ortVersion } from './stacks/ort/load-ort.js';
export { OrtRunner, type OrtRunnerOptions, type OrtStackTraits, type OutputLocation } from './stacks/ort/ort-runner.js';
export {
  assertPlacement,
  COMPUTE_OPS,
  describePlacement,
  requestedKernelShare,
  summarisePlacement,
} from './stacks/ort/placement.js';
export { type OrtProviderSpec, probeOrtProvider } from './stacks/ort/probe.js';
export { type OrtProfile, type ProfiledNodeEvent, parseOrtProfile } from './stacks/ort/profile-trace.js';
export { encodeTinyModel, type TinyModel, type TinyNode, type TinyValue } from './stacks/ort/tiny-model.js';
export type { OrtCpuOptions } from './stacks/ort-cpu/index.js';
export type { OrtCudaOptions } from './stacks/ort-cuda/index.js';
export { ORT_TRT_DEFAULTS_NOTE, type OrtTrtOptions } from './stacks/ort-trt/index.js';
export type { OrtWebGpuOptions } from './stacks/ort-webgpu/index.js';
export {
  createRunner,
  getStack,
  isStackName,
  listStacks,
  STACK_NAMES,
  STACKS,
  type StackListing,
  type StackName,
  type StackOptionsMap,
} from './stacks/registry.js';
export {
  BaseRunner,
  type Runner,
  type SelfTimedBudget,
  type SelfTimedResult,
  validateFeeds,
} from './stacks/runner.js';
export type { StackDefinition } from './stacks/stack-definition.js';
export { type DescribeTrtOptions, describeTrtCommands } from './stacks/trt/describe-commands.js';
export { type EngineBuilderPortOptions, engineBuilderPort } from './stacks/trt/engine-builder-adapter.js';
export type {
  TrtBuildRequest,
  TrtBuildResult,
  TrtCommands,
  TrtDescribeRequest,
  TrtEnginePort,
  TrtPrecision,
  TrtTimingRequest,
  TrtTimingResult,
} from './stacks/trt/engine-port.js';
export { getTrtEnginePort, setTrtEnginePort } from './stacks/trt/installed-port.js';
export { locateTrtexec, TRTEXEC_REMEDY, type TrtexecLocation } from './stacks/trt/locate-trtexec.js';
export { probeTrtStack, TrtexecRunner, type TrtStackOptions } from './stacks/trt/trt-runner.js';
export type {
  ElementType,
  Feeds,
  InferOptions,
  Outputs,
  RunnerCapabilities,
  RunnerTensor,
  StackFamily,
  TensorInfo,
} from './stacks/types.js';
export * from './tracker/index.js';
