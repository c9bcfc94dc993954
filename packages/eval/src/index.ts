// LaSOT dataset layout, box / flag / result files, split lists.

// Module folders are found by bench's one rule; re-exported for eval's API.
export { findModuleFiles, selectModules } from '@tamkit/bench';
// Precision bisection: the search, candidates, variants, module and layer levels, plans.
export {
  type Candidate,
  type FindCandidatesOptions,
  findCandidates,
  PRECISION_RELEVANT_OPS,
} from './bisect/candidates.js';
export { candidatePlan, createEngineEvaluator, type EngineEvaluatorOptions } from './bisect/engine-evaluator.js';
export {
  type BisectEvaluation,
  bisectLayers,
  type CandidateEvaluator,
  type LayerBisectOptions,
  type LayerBisectResult,
} from './bisect/layer-bisect.js';
export { type PlanSource, planFromBisection, writePlanFile } from './bisect/plan.js';
export {
  BISECT_MODES,
  BISECT_REPORT_KIND,
  BISECT_REPORT_SCHEMA_VERSION,
  type BisectMode,
  type BisectModelsOptions,
  type BisectProgress,
  type BisectReport,
  bisectModels,
  defaultBisectMode,
  type ModuleBisect,
} from './bisect/run-bisect.js';
export {
  evaluationBudget,
  findMinimalSet,
  type MinimalSetOptions,
  type MinimalSetResult,
  type SetPredicate,
} from './bisect/search.js';
export {
  createVariantBuilder,
  FP16_MODES,
  type Fp16Mode,
  type VariantBuilder,
  type VariantOptions,
} from './bisect/variants.js';
// Fidelity: metrics (comparator factories), per-module and along-a-sequence comparison of stacks.
export {
  type CompareOutputsOptions,
  compareOutputs,
  DEFAULT_TOLERANCE,
  type HostTensor,
  looksLikeMaskLogits,
  meetsTolerance,
  type OutputFidelity,
  type Tolerance,
} from './fidelity/compare-outputs.js';
export {
  type CompareStacksOptions,
  compareStacks,
  FIDELITY_REPORT_KIND,
  FIDELITY_REPORT_SCHEMA_VERSION,
  type FidelityReport,
  type ModuleFidelity,
} from './fidelity/compare-stacks.js';
export { hostOutputs, toHostTensor } from './fidelity/host-tensors.js';
export {
  boxIou,
  cosineSimilarity,
  type MaskIouOptions,
  type MaxRelativeErrorOptions,
  maskIou,
  maxAbsError,
  maxRelativeError,
  nonFiniteShare,
  type PixelBox,
  relativeL2Error,
  TENSOR_METRICS,
  type TensorComparator,
  type TensorMetricName,
} from './fidelity/metrics.js';
export {
  buildModuleInputs,
  type ModuleFiles,
  type ModuleInputs,
  type ModuleInputsOptions,
} from './fidelity/module-inputs.js';
export { adaptFeeds, type ModuleRun, type RunModuleOptions, runModuleOnStack } from './fidelity/run-module.js';
export {
  type ComparableTracker,
  compareTracking,
  type FrameAgreement,
  lasotFrames,
  type SequenceFidelity,
  type SequenceFrame,
  syntheticFrames,
} from './fidelity/sequence-fidelity.js';
export {
  type AttributeMatrix,
  attributesFromFlags,
  FULL_OCCLUSION,
  OUT_OF_VIEW,
  parseAttributeTable,
} from './lasot/attributes.js';
export { type Box, type BoxSeries, boxAt, frameCount, fromBoxSeries, toBoxSeries } from './lasot/boxes.js';
export {
  absentFlags,
  classOfSequence,
  framePath,
  type LasotDataset,
  type LasotSequence,
  loadSequence,
  type OpenDatasetOptions,
  openLasotDataset,
  type SequenceEntry,
} from './lasot/dataset.js';
export { readResultFile, resultPath, writeResultFile } from './lasot/results.js';
export { OFFICIAL_TEST_SPLIT_URL, parseSplitText, readOfficialTestSplit, readSplitFile } from './lasot/split.js';
export { formatBoxText, formatFlagText, parseBoxText, parseFlagText } from './lasot/text-format.js';
// Metrics: pure functions.
export { type AggregateScore, type AttributeScore, aggregateScores, scoreByAttribute } from './metrics/aggregate.js';
export { CONVENTIONS, type Convention } from './metrics/convention.js';
export { centreError, inclusiveIou, normalizedCentreError } from './metrics/iou.js';
export { type SequenceScore, type SequenceScoreInput, scoreSequence } from './metrics/sequence-score.js';
export {
  NORMALIZED_PRECISION_REPORT_INDEX,
  NORMALIZED_PRECISION_THRESHOLDS,
  OVERLAP_THRESHOLDS,
  PRECISION_REPORT_INDEX,
  PRECISION_THRESHOLDS,
} from './metrics/thresholds.js';
// Reports.
export { type MarkdownSummaryOptions, renderMarkdownSummary } from './report/markdown.js';
export { renderStandardPlots } from './report/plots.js';
export {
  type AttributeDetail,
  type BuildScoreReportInput,
  buildScoreReport,
  type LasotScoreReport,
  readScoreReport,
  SCORE_REPORT_KIND,
  SCORE_REPORT_SCHEMA_VERSION,
  type SequenceDetail,
} from './report/score-report.js';
export { type CurvePlot, type PlotSeries, renderCurvePlot } from './report/svg-plot.js';
export { type WriteReportOptions, writeLasotReport } from './report/write-report.js';
export { benchTrackerFactory } from './run/bench-tracker.js';
// Runs: shards, resume, merge, the tracker contract, scoring a results folder.
export { type MergeShardsOptions, type MergeSummary, mergeShardOutputs } from './run/merge.js';
export { hasCompleteResult } from './run/resume.js';
export { type RunAndScoreOptions, type RunAndScoreResult, runAndScoreLasot } from './run/run-and-score.js';
export {
  manifestName,
  RUN_MANIFEST_KIND,
  RUN_MANIFEST_SCHEMA_VERSION,
  type RunLasotOptions,
  type RunManifest,
  type RunProgress,
  type RunSequenceRecord,
  runLasot,
} from './run/run-lasot.js';
export { type ScoreResultsOptions, scoreResults } from './run/score-results.js';
export { parseShard, type Shard, selectShard } from './run/shard.js';
export type { SequenceTracker, TrackerFactory, TrackerFrame, TrackerMask, TrackerOutput } from './run/tracker.js';
// Synthetic sequences.
export {
  generateSyntheticDataset,
  type SynthOptions,
  type SynthSequenceSummary,
  sequenceSeed,
  syntheticTruth,
} from './synth/generate.js';
export { drawScene, type FrameTruth, frameTruth, type PixelRect, type SceneParams } from './synth/scene.js';
