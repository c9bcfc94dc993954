// ONNX Runtime's CUDA provider: install, check, describe (bench cuda ...).
export { CudaInstallErrorCode, sha256OfFile } from './cuda/acquire.js';
export { defaultInstallRoot, findOrtBindings, type OrtBinding } from './cuda/bindings.js';
export { type CudaCheck, type CudaCheckOptions, checkCudaProvider } from './cuda/check.js';
export {
  CUDA_RUNTIME_LIBRARIES,
  locateLibraries,
  parseLdconfigCache,
  pythonCudaLibraryDirs,
} from './cuda/cuda-libraries.js';
export { cudaMajorForDriver, type NvidiaDriver, parseDriverVersion, probeNvidiaDriver } from './cuda/driver.js';
export {
  type InstallBoundaries,
  type InstallCudaOptions,
  type InstallManifest,
  type InstallReport,
  installCudaProvider,
  REAL_INSTALL_BOUNDARIES,
  skewWarnings,
} from './cuda/install.js';
export {
  CUDA12_OFFICIAL_SOURCE,
  CUDA13_NPM_SOURCE,
  INSTALL_MANIFEST,
  PROVIDER_LIBRARIES,
  PROVIDER_SOURCES,
  type ProviderFile,
  type ProviderSource,
} from './cuda/provider-sources.js';
export { findOrtVersionStrings, readProviderOrtVersion } from './cuda/provider-version.js';
export { SELF_TEST_MODEL, SELF_TEST_TOLERANCE, type SelfTestResult, selfTestBinding } from './cuda/self-test.js';
export {
  describeBenchProviders,
  describeInstall,
  describeProviders,
  type InstalledProviders,
  uninstallCudaProvider,
} from './cuda/status.js';
export { INSTALL_STEPS, type InstallStep, isStagingFolder } from './cuda/transaction.js';
// Measurement: budgets, statistics, inputs, environment, the per-module run.
export {
  collectEnvironment,
  type EnvironmentOptions,
  type GpuInfo,
  parseNvidiaSmiGpus,
  physicalCoreCount,
  probeNvidiaGpu,
} from './measure/environment.js';
export { findModels, moduleName } from './measure/find-models.js';
export { sha256File } from './measure/hash.js';
export { checkInputMemory, generateFeeds } from './measure/inputs.js';
export {
  DEFAULT_ITERATIONS_PER_ROUND,
  DEFAULT_ROUNDS,
  type InterleaveOptions,
  type InterleaveProgress,
  remeasureInterleaved,
} from './measure/interleave.js';
export { latencyWithSamples } from './measure/latency-samples.js';
export { loadModulePlans, type ModulePlans } from './measure/plans.js';
export {
  type ModuleProfile,
  PROFILE_REPORT_KIND,
  PROFILE_SCHEMA_VERSION,
  type ProfileModulesOptions,
  type ProfileReport,
  profileModules,
} from './measure/profile-modules.js';
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
  parseShapeSpecs,
  type ResolvedShapes,
  resolveInputShapes,
} from './measure/shapes.js';
export { computeLatencyStats } from './measure/stats.js';
export {
  measureVariantRounds,
  roundBudgets,
  roundOrder,
  VARIANT_ROUNDS,
  type VariantMeasurement,
  type VariantSide,
} from './measure/variant-rounds.js';
// The tracking loop and the pipeline benchmark.
export * from './pipeline/index.js';
export * from './preprocess/index.js';
export * from './report/index.js';
export * from './report/schema.js';
// Stacks: the Runner contract, the registry, and the pieces a custom runner or the tracking loop reuses.
export { type Availability, available, unavailable } from './stacks/availability.js';
export { type CrashSite, NativeCrashError, RunnerErrorCode, StackUnavailableError } from './stacks/errors.js';
export { readModelSignature } from './stacks/model-signature.js';
export {
  type CrashingNode,
  type CrashProbeOptions,
  type CrashVerdict,
  defaultCrashProbeCacheDir,
  locateCrash,
  probeForCrash,
} from './stacks/ort/crash-probe.js';
export { canEncodeFeeds, decodeFeeds, encodeFeeds } from './stacks/ort/crash-probe-protocol.js';
export { crashProbeDefault, setCrashProbeDefault } from './stacks/ort/crash-probe-setting.js';
export { defineOrtStack } from './stacks/ort/define-ort-stack.js';
export {
  type KernelProfile,
  type OpTypeShare,
  type ProviderKernels,
  type SummariseKernelsOptions,
  summariseKernels,
} from './stacks/ort/kernel-profile.js';
export {
  loadOrt,
  type OrtModule,
  ortLogLevel,
  ortSessionSeverity,
  ortVersion,
  setOrtLogLevel,
} from './stacks/ort/load-ort.js';
export { type LoadedLibrary, parseLoadedLibraries, readLoadedLibraries } from './stacks/ort/loaded-libraries.js';
export { ORT_LOG_LEVELS, type OrtLogLevel } from './stacks/ort/log-level.js';
export { missingLibraries, type OrtLogLine, parseOrtLog, remedyForMissingLibraries } from './stacks/ort/ort-log.js';
export { ortPackageDir } from './stacks/ort/ort-package.js';
export { OrtRunner, type OrtRunnerOptions, type OrtStackSpec, type OutputLocation } from './stacks/ort/ort-runner.js';
export {
  assertPlacement,
  COMPUTE_OPS,
  describePlacement,
  requestedKernelShare,
  summarisePlacement,
} from './stacks/ort/placement.js';
export { type OrtProviderSpec, probeOrtProvider } from './stacks/ort/probe.js';
export {
  type OrtProfile,
  type ProfiledKernelEvent,
  type ProfiledNodeEvent,
  type ProfiledRun,
  parseOrtProfile,
} from './stacks/ort/profile-trace.js';
export {
  describeProbeFailure,
  type ProviderProbeOptions,
  type ProviderProbeResult,
  probeProviderInChild,
} from './stacks/ort/provider-probe.js';
export { encodeTinyModel, type TinyModel, type TinyNode, type TinyValue } from './stacks/ort/tiny-model.js';
export type { OrtCpuOptions } from './stacks/ort-cpu/index.js';
export { ORT_CUDA_DEFAULTS_NOTE, type OrtCudaOptions } from './stacks/ort-cuda/index.js';
export { ORT_TRT_DEFAULTS_NOTE, type OrtTrtOptions } from './stacks/ort-trt/index.js';
export type { OrtWebGpuOptions } from './stacks/ort-webgpu/index.js';
export {
  createRunner,
  createRunnerWith,
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
export {
  bindingFromFeeds,
  isShapeVariant,
  SHAPE_VARIANTS,
  type ShapeBinding,
  type ShapeVariant,
} from './stacks/shape-variant.js';
export type { RunnerSettings, StackDefinition, StackTraits } from './stacks/stack-definition.js';
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
export { defineTrtStack, probeTrtStack, TrtexecRunner, type TrtStackOptions } from './stacks/trt/trt-runner.js';
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
