// Plans

export type {
  AutoPin,
  AutoPinFinder,
  AutoPinKind,
  GraphNodeView,
  GraphView,
  Precision,
  PrecisionMode,
  PrecisionPlan,
  ResolvedPlan,
} from '@tamkit/graph-surgery';
export {
  compileNodePattern,
  loadPlan,
  PRECISION_MODES,
  PRECISIONS,
  planForPrecision,
  resolvePlan,
  serializePlan,
  validatePlan,
} from '@tamkit/graph-surgery';
export type { BuildEngineOptions, BuildEngineResult, BuildEvent } from './build.js';
export { buildEngine } from './build.js';
// Workflows
export type { BuildDescription, BuildSpec, BuildSpecOptions } from './build-plan.js';
export { describeBuild, planBuild } from './build-plan.js';
export type { ModelDigest } from './cache/hash.js';
export { canonicalJson, digestModel, hashFile } from './cache/hash.js';
// Cache
export type { CacheKeyMaterial } from './cache/key.js';
export { computeCacheKey, KEY_PLACEHOLDERS } from './cache/key.js';
export type { LockOptions } from './cache/lock.js';
export { acquireLock } from './cache/lock.js';
export type { CacheListing, PruneOptions, VerifyResult } from './cache/maintenance.js';
export { listCache, pruneCache, verifyCache } from './cache/maintenance.js';
export type { EngineManifest } from './cache/manifest.js';
export type { CacheEntry } from './cache/store.js';
export { cachePaths, entryDir, getOrBuildEntry, lookupEntry, timingCachePath } from './cache/store.js';
export type { GraphEdit, LoadedModel, LoadModelOptions } from './graph-surgery-glue.js';
export { applyGraphEdits, graphViewOf, loadModel, planGraphEdits } from './graph-surgery-glue.js';
export type { InspectOptions, InspectResult } from './inspect.js';
export { inspectEngine } from './inspect.js';
export type {
  BuildLogLayer,
  BuildLogSummary,
  BuildLogTensor,
  BuildOutcome,
  TacticChoice,
  TacticTrial,
} from './parsers/build-log.js';
export { parseBuildLog } from './parsers/build-log.js';
export type { DetectedKind } from './parsers/detect.js';
export { decodeTrtexecBytes, detectTrtexecKind } from './parsers/detect.js';
export type {
  ExpectedKind,
  TrtexecFileKind,
  TrtexecParseErrorCode,
  TrtexecParseErrorDetails,
} from './parsers/errors.js';
export { KIND_DESCRIPTIONS, TRTEXEC_FILE_KINDS, TrtexecParseError } from './parsers/errors.js';
export type { EngineIoTensor, EngineLayer, EngineLayerInfo, LayerTensor, TensorType } from './parsers/layer-info.js';
export { onnxNodesFromMetadata, parseLayerInfo, tensorTypeFromText } from './parsers/layer-info.js';
export type { NodesFromName } from './parsers/layer-names.js';
export { onnxNodesFromLayerName } from './parsers/layer-names.js';
export type { ExportedTensor } from './parsers/output.js';
export { parseExportOutput } from './parsers/output.js';
export type { LayerPrecisionRow, PrecisionFinding, PrecisionReport } from './parsers/precision-report.js';
export { reportLayerPrecisions } from './parsers/precision-report.js';
export type { EngineProfile, LayerProfile } from './parsers/profile.js';
export { parseExportProfile } from './parsers/profile.js';
// Parsers
export type { PerformanceSummary, PerformanceWarning, TimingStats } from './parsers/summary.js';
export { parsePerformanceSummary } from './parsers/summary.js';
export type { IterationTiming, TraceSummary, UnavailableStat } from './parsers/times.js';
export { ENQUEUE_FROM_TRACE_UNAVAILABLE, parseExportTimes, summarizeTimes, timingStats } from './parsers/times.js';
export type { EngineTiming, TimeEngineOptions } from './run.js';
export { timeEngine } from './run.js';
export type { BuildArgsInput, ShapeProfile } from './trtexec/build-args.js';
export { buildTrtexecArgs, trtLayerName } from './trtexec/build-args.js';
export type { GpuIdentity } from './trtexec/gpu.js';
export { parseGpuRecord, parseNvidiaSmiGpus, queryGpu } from './trtexec/gpu.js';
export type { ProcessResult, RunProcessOptions } from './trtexec/process.js';
export { runProcess } from './trtexec/process.js';
export type { RunEngineOptions } from './trtexec/run-args.js';
export { runTrtexecArgs } from './trtexec/run-args.js';
export { formatCommandLine, parseShapeList, shellQuote } from './trtexec/spec.js';
export type { RunTrtexecOptions, TrtexecLocation } from './trtexec/trtexec.js';
export { detectTrtVersion, resolveTrtexec, runTrtexec, TRTEXEC_REMEDY } from './trtexec/trtexec.js';
// trtexec
export type { TrtBuildPath, TrtVersion } from './trtexec/version.js';
export { buildPathFor, formatTrtVersion, parseTrtVersion } from './trtexec/version.js';
export type {
  ParsedTrtexecFile,
  ParsedTrtexecText,
  ParseTrtexecOptions,
  TrtexecFileResult,
} from './trtexec-file.js';
export { parseTrtexecText, readTrtexecFile } from './trtexec-file.js';
