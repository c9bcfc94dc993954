import type { MemorySelectionOptions } from './memory-selection.js';

// The memory bank's public shapes; the bank itself is in memory-bank.ts.

/** Sizes of a memory bank. JSDoc defaults are those of EfficientTAM-Ti / SAM 2. */
export interface MemoryBankOptions {
  /** Spatial memories used per frame, conditioning frame included (num_maskmem, 7). */
  numMaskmem: number;
  /** Object pointers used per frame, conditioning frame's included (max_obj_ptrs_in_encoder, 16). */
  maxObjPtrs: number;
  /** Tokens per spatial memory: H*W of the feature map (1024 at 512 px). */
  tokensPerFrame: number;
  /** Memory width (mem_dim, 64). */
  memDim: number;
  /** Object pointer width (d_model, 256); each pointer becomes ptrDim / memDim tokens. */
  ptrDim: number;
  /** Temporal position encoding, [numMaskmem, memDim] row-major (maskmem_tpos_enc). */
  tposEnc: Float32Array;
  /**
   * SAMURAI's memory selection (see memory-selection.ts): spatial memories are chosen by score instead of being
   * the numMaskmem-1 newest frames, and `addFrame` needs each frame's scores. Default: absent (SAM 2's choice).
   * Pointers are chosen as in SAM 2 either way.
   */
  selection?: MemorySelectionOptions;
}

/** One memory-bank entry in assembly order, for inspection and tests. */
export interface MemorySegment {
  kind: 'frame' | 'pointer';
  frameIndex: number;
  /** First token of the segment in the assembled memory. */
  tokenOffset: number;
  tokens: number;
  /** Row of maskmem_tpos_enc added to a frame's pos-enc (frames only). */
  tposRow?: number;
}

/** What `assemble` wrote. */
export interface AssembledMemory {
  /** Tokens written into `memory` / `memoryPos` (spatial + pointer tokens). */
  tokens: number;
  /** Pointer tokens at the end (num_obj_ptr_tokens). */
  objPtrTokens: number;
  frames: number;
  pointers: number;
  segments: MemorySegment[];
}
