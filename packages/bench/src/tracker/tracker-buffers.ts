import type { Outputs } from '../stacks/types.js';
import type { MaskSource } from './host-stages.js';
import { chooseMaskCandidate } from './mask-choice.js';
import { MemoryBank } from './memory-bank.js';
import type { MemorySelectionOptions } from './memory-selection.js';
import type { MotionSelector } from './motion-selector.js';
import { checkTrackerParams, type TrackerParams } from './tracker-params.js';

/** Host buffers of a tracker, allocated once the first frame tells the feature sizes, reused every frame. */
export interface TrackerBuffers {
  dModel: number;
  hw: number;
  embedDims: number[];
  memDim: number;
  maskH: number;
  maskW: number;
  tokens: Float32Array;
  tokensPos: Float32Array;
  lastPos: Float32Array;
  posValid: boolean;
  embed: Float32Array;
  maskLogits: Float32Array;
  bank: MemoryBank | undefined;
}

/** Buffers for image features of `dims` ([1, d_model, H, W]). */
export function allocateBuffers(dims: readonly number[]): TrackerBuffers {
  const [, dModel = 0, h = 0, w = 0] = dims;
  const hw = h * w;
  return {
    dModel,
    hw,
    embedDims: [1, dModel, h, w],
    memDim: 0,
    maskH: 4 * h,
    maskW: 4 * w,
    tokens: new Float32Array(hw * dModel),
    tokensPos: new Float32Array(hw * dModel),
    lastPos: new Float32Array(hw * dModel),
    posValid: false,
    embed: new Float32Array(hw * dModel),
    maskLogits: new Float32Array(16 * hw),
    bank: undefined,
  };
}

/**
 * The memory bank, once memory_encoder's output ([1, mem_dim, H, W]) tells the memory width; with `selection`,
 * SAMURAI's memory selection.
 */
export function createMemoryBank(
  b: TrackerBuffers,
  dims: readonly number[],
  p: TrackerParams,
  selection?: MemorySelectionOptions,
): MemoryBank {
  b.memDim = dims[1] ?? 0;
  checkTrackerParams(p, b.dModel, b.memDim);
  return new MemoryBank({
    numMaskmem: p.numMaskmem,
    maxObjPtrs: p.maxObjPtrs,
    tokensPerFrame: b.hw,
    memDim: b.memDim,
    ptrDim: b.dModel,
    tposEnc: p.maskmemTposEnc,
    ...(selection ? { selection } : {}),
  });
}

/** The chosen mask of a frame, and the logits its memory-encoder input is made from. */
export interface ChosenMask {
  maskIndex: number;
  iou: number;
  objectScore: number;
  /** SAMURAI's Kalman score of the chosen mask (weighted phase of the selector only). */
  kalmanScore: number | undefined;
  /** Logits to upsample for the memory encoder (side x side already when the decoder upsampled in the graph). */
  forMemory: MaskSource;
}

/**
 * Chooses the mask (best IoU or SAMURAI's selection) and keeps its low-res logits in `b.maskLogits` (-1024 where
 * the object is absent: object-score logit not above `minObjectScore`, 0 in SAM 2, -1 in SAMURAI). The memory encoder's input, sigmoid(logits at `side`) * scale + bias, is made later
 * from `forMemory`: the decoder's in-graph upsampled plane when it has one, else the low-res logits.
 */
export function chooseMask(
  decoded: Outputs,
  names: { masks: string; iou: string; objectScore: string; highRes: string | undefined },
  b: TrackerBuffers,
  options: { side: number; selector: MotionSelector | undefined; conditioning: boolean; minObjectScore: number },
): ChosenMask {
  const { side, selector, conditioning, minObjectScore } = options;
  const masks = decoded[names.masks]!;
  const [, count = 1, mh = 0, mw = 0] = masks.dims;
  const plane = mh * mw;
  const logits = masks.data as Float32Array;
  const ious = decoded[names.iou]!.data as Float32Array;
  const objectScore = (decoded[names.objectScore]!.data as Float32Array)[0]!;
  const absent = !(objectScore > minObjectScore);
  // SAMURAI blanks the candidates of an absent object before choosing (their boxes are then empty).
  const candidates = absent && selector ? new Float32Array(logits.length).fill(-1024) : logits;
  const choice = chooseMaskCandidate({
    logits: candidates,
    count,
    height: mh,
    width: mw,
    ious,
    selector,
    conditioning,
  });
  const maskIndex = choice.index;
  if (plane !== b.maskLogits.length) b.maskLogits = new Float32Array(plane);
  b.maskH = mh;
  b.maskW = mw;
  b.maskLogits.set(logits.subarray(maskIndex * plane, (maskIndex + 1) * plane));
  if (absent) b.maskLogits.fill(-1024);
  const low: MaskSource = { logits: b.maskLogits, height: mh, width: mw };
  const high = names.highRes === undefined ? undefined : decoded[names.highRes];
  // An absent object's map is the constant -1024 at any size: the low-res one serves (sigmoid saturates to 0).
  const forMemory: MaskSource =
    high && !absent && high.dims[2] === side && high.dims[3] === side
      ? {
          logits: (high.data as Float32Array).subarray(maskIndex * side * side, (maskIndex + 1) * side * side),
          height: side,
          width: side,
        }
      : low;
  return { maskIndex, iou: ious[maskIndex]!, objectScore, kalmanScore: choice.motion?.kalmanScore, forMemory };
}
