/**
 * Timed stages of one tracked frame, in pipeline order. Module stages hold the module's run alone; what the
 * loop does around it has its own stage, so the chained loop's gap to the isolated sum shows where it goes.
 */
export const PIPELINE_STAGES = [
  /** Decode-to-tensor: resize, normalise, HWC -> CHW (or the raw frame for a graph that preprocesses). */
  'preprocess',
  'image_encoder',
  /**
   * memory_attention's inputs and output: feature tokens, the memory bank written into the input buffers, the
   * tensors made, and the conditioned features laid out back for the decoder (the no-memory embedding on frame 0).
   */
  'attention_inputs',
  'memory_attention',
  'mask_decoder',
  /** Mask choice (and the Kalman selection), the memory encoder's mask, the output box. */
  'postprocess',
  'memory_encoder',
  /** The encoded memory and object pointer into the bank. */
  'bank_update',
  /** Device outputs downloaded to the host (stacks that keep outputs on the device). */
  'host_copies',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Milliseconds per stage for one frame, plus the frame's total wall time. */
export type StageTimings = Record<PipelineStage, number> & { total: number };

export function emptyTimings(): StageTimings {
  const timings = { total: 0 } as StageTimings;
  for (const stage of PIPELINE_STAGES) timings[stage] = 0;
  return timings;
}

/** The frame's time outside every stage (awaits, garbage collection, bookkeeping): total - sum of stages. */
export function unstagedMs(timings: StageTimings): number {
  return timings.total - PIPELINE_STAGES.reduce((sum, stage) => sum + timings[stage], 0);
}
