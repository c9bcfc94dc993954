/** Timed stages of one tracked frame, in pipeline order. */
export const PIPELINE_STAGES = [
  'preprocess',
  'image_encoder',
  'memory_attention',
  'mask_decoder',
  'memory_encoder',
  /** Layout transposes, memory-bank assembly and update. */
  'memory',
  /** Mask choice, upsampling for the memory encoder, box. */
  'postprocess',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Milliseconds per stage for one frame, plus the frame's total wall time. */
export type StageTimings = Record<PipelineStage, number> & { total: number };

export function emptyTimings(): StageTimings {
  return {
    preprocess: 0,
    image_encoder: 0,
    memory_attention: 0,
    mask_decoder: 0,
    memory_encoder: 0,
    memory: 0,
    postprocess: 0,
    total: 0,
  };
}
