/**
 * SAMURAI's motion-aware memory selection, as its sam2 fork does it in `_prepare_memory_conditioned_features`
 * (sam2/sam2/modeling/sam2_base.py, `samurai_mode`), read there and restated here:
 *
 * - Walking back from frame t-1, a past non-conditioning frame is a candidate when its chosen mask's predicted
 *   IoU > 0.5, its object-score logit > 0 and its Kalman score > 0 (frames without a Kalman score, those tracked
 *   before the filter is stable, pass that test). The walk stops once max_obj_ptrs_in_encoder - 1 (15)
 *   candidates are found; it does not stop after 15 frames, so a candidate may be any distance back.
 * - The walk's range stops before frame 1 (`range(frame_idx - 1, 1, -1)`): frames 0 and 1 are never candidates.
 *   Frame 0 is the conditioning frame anyway; excluding frame 1 looks like an off-by-one, followed here by default
 *   (`firstCandidateFrame`).
 * - Frame t-1 is appended when it is not a candidate, so it is always used (skipped if it has no memory).
 * - The last num_maskmem - 1 (6) entries are used, oldest first, at t_pos 1..6 counted by rank, not by distance:
 *   the newest gets t_pos 6 (tpos row 0) even if it is many frames back; with fewer entries the positions start
 *   higher (3 entries: 4, 5, 6). A reserved t-1 without a memory keeps its position.
 * - Object pointers are not filtered: SAMURAI takes them from the previous 15 frames exactly as SAM 2 does.
 * - Caveat: in the sam2_base.py read, `track_step` stores the Kalman IoU under `kf_ious` while the selection reads
 *   `kf_score`; unless the video predictor (not read) copies it across, SAMURAI's released code never applies the
 *   Kalman test. The paper and the reference notes do, and so does this default; `kalmanScoreThreshold:
 *   -Infinity` gives the code as read.
 *
 * Where the reference notes (efficienttam-ti.md) say "up to 15" they mean this candidate cap, not a look-back
 * window of 15 frames. Only the newest 6 entries are used and the cap (15) exceeds 6, so the cap never changes the
 * result; the bank therefore keeps numMaskmem slots (the newest candidates plus the newest frame), which gives
 * SAMURAI's exact selection, unbounded look-back included.
 */

import type { MotionSelectorOptions } from './motion-selector.js';

/** Thresholds of SAMURAI's memory selection. Defaults are SAMURAI's (memory_bank_*_threshold). */
export interface MemorySelectionOptions {
  /** A frame's predicted IoU (of its chosen mask) must exceed this. Default 0.5. */
  iouThreshold?: number;
  /** A frame's object-score logit must exceed this. Default 0. */
  objectScoreThreshold?: number;
  /** A frame's Kalman score must exceed this, where it has one. Default 0. */
  kalmanScoreThreshold?: number;
  /**
   * Frames before this index are never candidates (they can still be used as frame t-1). Default 2, as SAMURAI's
   * loop bound; 1 makes every non-conditioning frame eligible.
   */
  firstCandidateFrame?: number;
}

/** What the tracker knows of a frame when its memory is stored. */
export interface MemoryScores {
  /** Predicted IoU of the chosen mask. */
  iou: number;
  /** Object-score logit (> 0: object present). */
  objectScore: number;
  /** IoU of the Kalman prediction with the chosen box; absent before the filter is stable (SAMURAI's kf_score). */
  kalmanScore?: number | undefined;
}

export type ResolvedMemorySelection = Required<MemorySelectionOptions>;

export function resolveMemorySelection(options: MemorySelectionOptions = {}): ResolvedMemorySelection {
  const resolved = {
    iouThreshold: options.iouThreshold ?? 0.5,
    objectScoreThreshold: options.objectScoreThreshold ?? 0,
    kalmanScoreThreshold: options.kalmanScoreThreshold ?? 0,
    firstCandidateFrame: options.firstCandidateFrame ?? 2,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (Number.isNaN(value)) throw new RangeError(`memory selection: ${name} must be a number, got NaN`);
  }
  return resolved;
}

/** Whether a frame with these scores is a memory candidate. */
export function isMemoryCandidate(frameIndex: number, scores: MemoryScores, s: ResolvedMemorySelection): boolean {
  return (
    frameIndex >= s.firstCandidateFrame &&
    scores.iou > s.iouThreshold &&
    scores.objectScore > s.objectScoreThreshold &&
    (scores.kalmanScore === undefined || scores.kalmanScore > s.kalmanScoreThreshold)
  );
}

/** A stored frame as the selection sees it. */
export interface StoredFrame {
  frameIndex: number;
  candidate: boolean;
}

/** A frame the memory of `current` uses, with its temporal position (1..numMaskmem-1). */
export interface PickedFrame {
  frameIndex: number;
  tPos: number;
}

/**
 * The non-conditioning frames the memory of frame `current` uses, oldest first. `maxCandidates` is SAMURAI's
 * cap on collected candidates (max_obj_ptrs_in_encoder - 1). The result may name frame `current - 1` without it
 * being stored: the caller skips it, and the others keep their positions.
 */
export function pickMemoryFrames(
  stored: readonly StoredFrame[],
  current: number,
  numMaskmem: number,
  maxCandidates: number,
): PickedFrame[] {
  const used = numMaskmem - 1;
  if (used <= 0 || current < 1) return [];
  const candidates = stored
    .filter((s) => s.candidate && s.frameIndex >= 0 && s.frameIndex < current)
    .map((s) => s.frameIndex)
    .sort((a, b) => a - b);
  // SAMURAI's backward walk looks at frame t-1 before checking its cap, so it keeps at least that one.
  const order = candidates.slice(Math.max(0, candidates.length - Math.max(1, maxCandidates)));
  if (maxCandidates < 1 && order.length > 0 && order[0] !== current - 1) order.length = 0;
  if (order[order.length - 1] !== current - 1) order.push(current - 1);
  const picked = order.slice(Math.max(0, order.length - used));
  return picked.map((frameIndex, i) => ({ frameIndex, tPos: numMaskmem - (picked.length - i) }));
}

/** SAMURAI's options of the tracker (`TrackerOptions.kalman`): mask selection plus memory selection. */
export interface SamuraiOptions extends MotionSelectorOptions {
  /**
   * SAMURAI's memory selection: previous frames enter the memory only when their scores pass (true: SAMURAI's
   * thresholds; false: the numMaskmem-1 newest frames, as SAM 2). Default true, as SAMURAI does with its Kalman
   * selection.
   */
  memorySelection?: boolean | MemorySelectionOptions;
  /**
   * Object-score logit above which the object counts as present; below it every candidate mask is blanked before
   * the choice (SAMURAI's `min_obj_score_logits`). Default -1, SAMURAI's; without `kalman` the tracker uses SAM 2's 0.
   */
  minObjectScore?: number;
}

/** The object-presence threshold a `kalman` tracker option implies (SAM 2's 0 without SAMURAI). */
export function minObjectScoreOf(kalman: boolean | SamuraiOptions | undefined): number {
  if (!kalman) return 0;
  return kalman === true ? -1 : (kalman.minObjectScore ?? -1);
}

/** The memory-selection options a `kalman` tracker option asks for, or undefined when it asks for none. */
export function memorySelectionOf(kalman: boolean | SamuraiOptions | undefined): MemorySelectionOptions | undefined {
  if (!kalman) return undefined;
  const selection = kalman === true ? true : (kalman.memorySelection ?? true);
  if (selection === false) return undefined;
  return selection === true ? {} : selection;
}
