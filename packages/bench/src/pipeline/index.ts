// The pipeline benchmark: the chained tracking loop timed per stage and per frame against isolated module runs,
// over a synthetic video or an image folder.

export {
  chooseDeviceOutputs,
  DEVICE_OUTPUT_MODES,
  type DeviceOutputChoice,
  type DeviceOutputMode,
  type PlacementSamples,
} from './device-outputs.js';
export { ImageFolderVideo } from './image-folder-video.js';
export { type BenchPipelineOptions, benchPipeline } from './pipeline-report.js';
export {
  type FrameSource,
  type PipelineProgress,
  type PipelineRun,
  type PipelineRunOptions,
  runPipeline,
} from './run-pipeline.js';
export { SyntheticVideo, type SyntheticVideoOptions } from './synthetic-video.js';
