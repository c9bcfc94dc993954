// The tracking loop (modules, memory bank, host stages, selection): the library API eval reuses. Nothing here
// times anything; the pipeline benchmark (../pipeline/) and eval drive it.

export { openAttentionDecoder } from './attention-decoder.js';
export { axisTable, BilinearResizer, bilinearSample, tableSigmoid } from './bilinear.js';
export { boxIou, KalmanBoxFilter, type KalmanOptions, type Xyxy, xyahToXyxy, xyxyToXyah } from './kalman.js';
export { addPerChannel, chwToTokens, tokensToChw } from './layout.js';
export { type Box, maskToBox, ResizedMaskBox, scaleLowResBox } from './mask-box.js';
export { chooseMaskCandidate, chooseMaskIndex, type MaskCandidates } from './mask-choice.js';
export {
  type AssembledMemory,
  MemoryBank,
  type MemoryBankOptions,
  type MemorySegment,
  sameValues,
} from './memory-bank.js';
export {
  isMemoryCandidate,
  type MemoryScores,
  type MemorySelectionOptions,
  memorySelectionOf,
  minObjectScoreOf,
  type PickedFrame,
  pickMemoryFrames,
  type ResolvedMemorySelection,
  resolveMemorySelection,
  type SamuraiOptions,
  type StoredFrame,
} from './memory-selection.js';
export { findModuleFiles, type ModuleFiles, moduleFiles, selectModules } from './module-files.js';
export { assignRoles, type ModuleIoNames, resolveModuleIo } from './module-io.js';
export {
  isTrackerModule,
  type ModuleRunner,
  type ModuleRunners,
  TRACKER_MODULES,
  type TrackerModule,
} from './module-runner.js';
export { type MotionChoice, MotionSelector, type MotionSelectorOptions } from './motion-selector.js';
export {
  closeModules,
  loopSpinsByDefault,
  type OpenModulesOptions,
  openModules,
  recordingRunner,
} from './open-modules.js';
export { type OpenedTracker, type OpenTrackerOptions, openTracker } from './open-tracker.js';
export {
  type BoxConvention,
  createSequenceTracker,
  type LoopSequenceTracker,
  type SequenceTracker,
  type SequenceTrackerOptions,
  type TrackerFrame,
  type TrackerMask,
  type TrackerOutput,
} from './sequence-tracker.js';
export { type BankSize, fullBankTokens, trackerShapeBindings } from './shape-bindings.js';
export { ShapeVariantRunner, type VariantUsage } from './shape-variant-runner.js';
export { formatModuleStacks, type ModuleStacks, parseStackSpec } from './stack-spec.js';
export { emptyTimings, PIPELINE_STAGES, type PipelineStage, type StageTimings, unstagedMs } from './stages.js';
export {
  type CreateTrackerOptions,
  createTracker,
  type Tracker,
  type TrackerOptions,
  type TrackResult,
} from './tracker.js';
export {
  checkTrackerParams,
  defaultTrackerParams,
  formatTrackerParams,
  type ParamTensor,
  parseTrackerParams,
  readTrackerParams,
  TRACKER_PARAMS_FILE,
  TRACKER_PARAMS_FORMAT,
  TRACKER_PARAMS_VERSION,
  type TrackerParams,
  type TrackerParamsFile,
} from './tracker-params.js';
