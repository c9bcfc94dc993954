import type { Outputs } from '../stacks/types.js';
import { BilinearResizer, tableSigmoid } from './bilinear.js';
import { chooseMaskIndex } from './mask-choice.js';
import { MemoryBank } from './memory-bank.js';
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
  maskForMem: Float32Array;
  maskLogits: Float32Array;
  resizer: BilinearResizer | undefined;
  bank: MemoryBank | undefined;
}

/** Buffers for image features of `dims` ([1, d_model, H, W]) and a square model input of `side` pixels. */
export function allocateBuffers(dims: readonly number[], side: number): TrackerBuffers {
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
    maskForMem: new Float32Array(side * side),
    maskLogits: new Float32Array(16 * hw),
    resizer: undefined,
    bank: undefined,
  };
}

/** The memory bank, once memory_encoder's output ([1, mem_dim, H, W]) tells the memory width. */
export function createMemoryBank(b: TrackerBuffers, dims: readonly number[], p: TrackerParams): MemoryBank {
  b.memDim = dims[1] ?? 0;
  checkTrackerParams(p, b.dModel, b.memDim);
  return new MemoryBank({
    numMaskmem: p.numMaskmem,
    maxObjPtrs: p.maxObjPtrs,
    tokensPerFrame: b.hw,
    memDim: b.memDim,
    ptrDim: b.dModel,
    tposEnc: p.maskmemTposEnc,
  });
}

/**
 * Chooses the mask (best IoU or SAMURAI's selection), keeps its low-res logits (-1024 where the object is
 * absent) and writes the memory encoder's input: sigmoid(logits at `side`) * scale + bias, upsampled here unless
 * the decoder already did it in the graph.
 */
export function takeMask(
  decoded: Outputs,
  names: { masks: string; iou: string; objectScore: string; highRes: string | undefined },
  b: TrackerBuffers,
  options: { side: number; params: TrackerParams; selector: MotionSelector | undefined; conditioning: boolean },
) {
  const { side, params: p, selector, conditioning } = options;
  const masks = decoded[names.masks]!;
  const [, count = 1, mh = 0, mw = 0] = masks.dims;
  const plane = mh * mw;
  const logits = masks.data as Float32Array;
  const ious = decoded[names.iou]!.data as Float32Array;
  const objectScore = (decoded[names.objectScore]!.data as Float32Array)[0]!;
  const maskIndex = chooseMaskIndex({ logits, count, height: mh, width: mw, ious, selector, conditioning });
  if (plane !== b.maskLogits.length) b.maskLogits = new Float32Array(plane);
  b.maskH = mh;
  b.maskW = mw;
  b.maskLogits.set(logits.subarray(maskIndex * plane, (maskIndex + 1) * plane));
  if (objectScore <= 0) b.maskLogits.fill(-1024);
  const high = names.highRes === undefined ? undefined : decoded[names.highRes];
  if (high && high.dims[2] === side && high.dims[3] === side) {
    // The graph already upsampled (a mask-resize bake): only the sigmoid transform is left.
    const data = high.data as Float32Array;
    const offset = maskIndex * side * side;
    for (let i = 0; i < side * side; i += 1) {
      const v = objectScore <= 0 ? -1024 : data[offset + i]!;
      b.maskForMem[i] = p.sigmoidScale * tableSigmoid(v) + p.sigmoidBias;
    }
  } else {
    b.resizer ??= new BilinearResizer(mh, mw, side, side);
    b.resizer.toMaskForMem(b.maskLogits, b.maskForMem, p.sigmoidScale, p.sigmoidBias);
  }
  return { maskIndex, iou: ious[maskIndex]!, objectScore };
}
