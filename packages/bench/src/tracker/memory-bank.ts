import { chwToTokens } from './layout.js';
import type { AssembledMemory, MemoryBankOptions, MemorySegment } from './memory-bank-types.js';
import {
  isMemoryCandidate,
  type MemoryScores,
  pickMemoryFrames,
  type ResolvedMemorySelection,
  resolveMemorySelection,
} from './memory-selection.js';

export type { AssembledMemory, MemoryBankOptions, MemorySegment } from './memory-bank-types.js';

interface Slot {
  frameIndex: number;
  features: Float32Array;
  pos: Float32Array;
  /** Which pos-enc content `pos` holds (see #posVersion). */
  posVersion: number;
  /** Bumped on every store: which features content `features` holds. */
  stamp: number;
  /** Under memory selection: whether the frame passed SAMURAI's test. */
  candidate: boolean;
}

/**
 * Whether two arrays hold the same bits (a memcmp: about 10x faster than a float loop). Used to skip work whose
 * input did not change, for which bitwise equality is the right test (NaN payloads equal, -0 differs from 0).
 */
export function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * The SAM 2 memory bank: the conditioning frame and the most recent frames (spatial memories, kept token-major)
 * plus object pointers. Storage is allocated once; `assemble` writes the memory-attention inputs in place into
 * `memory` and `memoryPos`, whose capacity is the largest bank ([numMaskmem*HW + maxObjPtrs*ptrTokens, 1, memDim]).
 *
 * Order (SAM 2 `_prepare_memory_conditioned_features`): conditioning frame (t_pos 0), then previous frames at
 * distance 6..1 (oldest to newest, t_pos = numMaskmem - distance), each frame's pos-enc plus tpos row
 * numMaskmem - t_pos - 1; then pointers: the conditioning frame's, then previous frames newest first, each split
 * into ptrDim/memDim tokens with zero pos-enc.
 *
 * With `selection`, the previous frames are SAMURAI's pick instead (memory-selection.ts), and the ring holds
 * numMaskmem slots: the newest candidates plus the newest frame, which is always used.
 */
export class MemoryBank {
  readonly options: MemoryBankOptions;
  readonly memory: Float32Array;
  readonly memoryPos: Float32Array;
  readonly ptrTokens: number;
  #cond: Slot | undefined;
  #condPtr: Float32Array;
  #hasCondPtr = false;
  readonly #recent: Slot[];
  readonly #selection: ResolvedMemorySelection | undefined;
  readonly #ptrs: Float32Array[];
  readonly #ptrFrame: Int32Array;
  /**
   * Memory pos-encs are usually the same map every frame (a sinusoidal encoding of a fixed-size grid). Each
   * distinct content gets a version; a slot whose content did not change is not transposed again, and a memory
   * segment whose (content, tpos row) did not change since the last assembly is not rewritten.
   */
  #posVersion = 0;
  readonly #lastPos: Float32Array;
  readonly #written: { version: number; row: number; features: Slot | undefined; stamp: number }[];

  constructor(options: MemoryBankOptions) {
    const { numMaskmem, maxObjPtrs, tokensPerFrame, memDim, ptrDim, tposEnc } = options;
    if (numMaskmem < 1 || maxObjPtrs < 1) throw new RangeError('numMaskmem and maxObjPtrs must be at least 1');
    if (ptrDim % memDim !== 0) throw new RangeError(`ptrDim ${ptrDim} must be a multiple of memDim ${memDim}`);
    if (tposEnc.length !== numMaskmem * memDim) {
      throw new RangeError(`tposEnc must hold ${numMaskmem}x${memDim} values, got ${tposEnc.length}`);
    }
    this.options = options;
    this.#selection = options.selection ? resolveMemorySelection(options.selection) : undefined;
    this.ptrTokens = ptrDim / memDim;
    const capacity = numMaskmem * tokensPerFrame + maxObjPtrs * this.ptrTokens;
    this.memory = new Float32Array(capacity * memDim);
    this.memoryPos = new Float32Array(capacity * memDim);
    const frameSize = tokensPerFrame * memDim;
    const slot = (): Slot => ({
      frameIndex: -1,
      features: new Float32Array(frameSize),
      pos: new Float32Array(frameSize),
      posVersion: -1,
      stamp: 0,
      candidate: false,
    });
    this.#lastPos = new Float32Array(frameSize);
    this.#written = Array.from({ length: numMaskmem }, () => ({
      version: -1,
      row: -1,
      features: undefined,
      stamp: -1,
    }));
    // Selection keeps one more slot than it uses: the newest frame, used as t-1 even when it is no candidate.
    const recent = this.#selection && numMaskmem > 1 ? numMaskmem : numMaskmem - 1;
    this.#recent = Array.from({ length: recent }, slot);
    this.#condPtr = new Float32Array(ptrDim);
    this.#ptrs = Array.from({ length: maxObjPtrs - 1 }, () => new Float32Array(ptrDim));
    this.#ptrFrame = new Int32Array(maxObjPtrs - 1).fill(-1);
  }

  /** Spatial memories the next `assemble(frameIndex)` uses (at most numMaskmem). */
  framesFor(frameIndex: number): number {
    const recent = this.#selection ? this.#selectedFor(frameIndex) : this.#recentFor(frameIndex);
    return (this.#cond ? 1 : 0) + recent.length;
  }

  /** Pointers the next `assemble(frameIndex)` uses (at most maxObjPtrs). */
  pointersFor(frameIndex: number): number {
    return (this.#hasCondPtr ? 1 : 0) + this.#ptrsFor(frameIndex).length;
  }

  /** Forgets every frame (a new sequence). Storage is kept. */
  clear(): void {
    this.#cond = undefined;
    this.#hasCondPtr = false;
    for (const s of this.#recent) s.frameIndex = -1;
    for (const w of this.#written) {
      w.version = -1;
      w.features = undefined;
    }
    this.#ptrFrame.fill(-1);
  }

  /**
   * Stores a frame's memory-encoder outputs ([1,memDim,H,W], copied token-major) and its object pointer. The
   * conditioning frame is kept for the whole sequence; other frames go to a ring of the numMaskmem-1 newest, or
   * under selection to the slot of a frame no longer needed. `scores` are required under selection (except for
   * the conditioning frame) and ignored otherwise.
   */
  addFrame(
    frameIndex: number,
    features: Float32Array,
    pos: Float32Array,
    objPtr: Float32Array,
    conditioning: boolean,
    scores?: MemoryScores,
  ) {
    const { memDim, tokensPerFrame, ptrDim } = this.options;
    if (objPtr.length !== ptrDim) throw new RangeError(`objPtr must hold ${ptrDim} values, got ${objPtr.length}`);
    if (conditioning) {
      const size = tokensPerFrame * memDim;
      this.#cond ??= {
        frameIndex,
        features: new Float32Array(size),
        pos: new Float32Array(size),
        posVersion: -1,
        stamp: 0,
        candidate: false,
      };
      this.#store(this.#cond, frameIndex, features, pos);
      this.#condPtr.set(objPtr);
      this.#hasCondPtr = true;
      return;
    }
    if (this.#selection && !scores) {
      throw new RangeError(`addFrame(${frameIndex}): memory selection needs the frame's scores`);
    }
    if (this.#ptrs.length > 0) {
      const ring = frameIndex % this.#ptrs.length;
      this.#ptrs[ring]!.set(objPtr);
      this.#ptrFrame[ring] = frameIndex;
    }
    if (this.#recent.length === 0) return;
    if (!this.#selection || !scores) {
      this.#store(this.#recent[frameIndex % this.#recent.length]!, frameIndex, features, pos);
      return;
    }
    const slot = this.#freeSlot(frameIndex);
    slot.candidate = isMemoryCandidate(frameIndex, scores, this.#selection);
    this.#store(slot, frameIndex, features, pos);
  }

  /**
   * Under selection, the slot a new frame takes: one already holding that frame, an empty one, one holding a
   * non-candidate (only ever used as t-1, which it no longer is), else the oldest candidate (the newest
   * numMaskmem-1 candidates stay, which is all SAMURAI can use).
   */
  #freeSlot(frameIndex: number): Slot {
    const recent = this.#recent;
    const same = recent.find((s) => s.frameIndex === frameIndex);
    if (same) return same;
    const free = recent.find((s) => s.frameIndex < 0 || !s.candidate);
    if (free) return free;
    return recent.reduce((oldest, s) => (s.frameIndex < oldest.frameIndex ? s : oldest));
  }

  #store(slot: Slot, frameIndex: number, features: Float32Array, pos: Float32Array): void {
    const { memDim, tokensPerFrame } = this.options;
    slot.frameIndex = frameIndex;
    slot.stamp += 1;
    chwToTokens(features, memDim, tokensPerFrame, slot.features);
    if (this.#posVersion === 0 || !sameValues(pos, this.#lastPos)) {
      this.#lastPos.set(pos);
      this.#posVersion += 1;
    }
    if (slot.posVersion !== this.#posVersion) {
      chwToTokens(pos, memDim, tokensPerFrame, slot.pos);
      slot.posVersion = this.#posVersion;
    }
  }

  /** Writes the memory for `frameIndex` into `memory` / `memoryPos` and says what it wrote. */
  assemble(frameIndex: number): AssembledMemory {
    const { memDim, tokensPerFrame, numMaskmem, tposEnc, ptrDim } = this.options;
    const segments: MemorySegment[] = [];
    let token = 0;
    const writeFrame = (slot: Slot, tPos: number) => {
      const row = numMaskmem - tPos - 1;
      const offset = token * memDim;
      const written = this.#written[segments.length]!;
      // The conditioning frame keeps its place frame after frame: copy its features only when they changed.
      if (written.features !== slot || written.stamp !== slot.stamp) {
        this.memory.set(slot.features, offset);
        written.features = slot;
        written.stamp = slot.stamp;
      }
      if (written.version !== slot.posVersion || written.row !== row) {
        const pos = this.memoryPos;
        const src = slot.pos;
        const rowBase = row * memDim;
        for (let t = 0; t < tokensPerFrame; t += 1) {
          const base = t * memDim;
          for (let m = 0; m < memDim; m += 1) pos[offset + base + m] = src[base + m]! + tposEnc[rowBase + m]!;
        }
        written.version = slot.posVersion;
        written.row = row;
      }
      segments.push({
        kind: 'frame',
        frameIndex: slot.frameIndex,
        tokenOffset: token,
        tokens: tokensPerFrame,
        tposRow: row,
      });
      token += tokensPerFrame;
    };
    if (this.#cond) writeFrame(this.#cond, 0);
    if (this.#selection) for (const { slot, tPos } of this.#selectedFor(frameIndex)) writeFrame(slot, tPos);
    else for (const slot of this.#recentFor(frameIndex)) writeFrame(slot, numMaskmem - (frameIndex - slot.frameIndex));
    const spatial = token;
    // Segments past the last frame now hold pointers (or nothing): their pos-enc must be rewritten when reused.
    for (let k = segments.length; k < this.#written.length; k += 1) {
      this.#written[k]!.version = -1;
      this.#written[k]!.features = undefined;
    }
    const writePtr = (ptr: Float32Array, from: number) => {
      const offset = token * memDim;
      this.memory.set(ptr, offset);
      this.memoryPos.fill(0, offset, offset + ptrDim);
      segments.push({ kind: 'pointer', frameIndex: from, tokenOffset: token, tokens: this.ptrTokens });
      token += this.ptrTokens;
    };
    if (this.#hasCondPtr) writePtr(this.#condPtr, this.#cond?.frameIndex ?? 0);
    for (const ring of this.#ptrsFor(frameIndex)) writePtr(this.#ptrs[ring]!, this.#ptrFrame[ring]!);
    return {
      tokens: token,
      objPtrTokens: token - spatial,
      frames: segments.filter((s) => s.kind === 'frame').length,
      pointers: segments.filter((s) => s.kind === 'pointer').length,
      segments,
    };
  }

  /** Stored non-conditioning frames within numMaskmem-1 of `frameIndex`, oldest first. */
  #recentFor(frameIndex: number): Slot[] {
    const span = this.options.numMaskmem - 1;
    const out: Slot[] = [];
    for (let d = Math.min(span, frameIndex); d >= 1; d -= 1) {
      const slot = this.#recent.find((s) => s.frameIndex === frameIndex - d);
      if (slot) out.push(slot);
    }
    return out;
  }

  /** SAMURAI's pick of stored non-conditioning frames for `frameIndex`, oldest first, with their t_pos. */
  #selectedFor(frameIndex: number): { slot: Slot; tPos: number }[] {
    const stored = this.#recent.filter((s) => s.frameIndex >= 0);
    const picked = pickMemoryFrames(stored, frameIndex, this.options.numMaskmem, this.options.maxObjPtrs - 1);
    const out: { slot: Slot; tPos: number }[] = [];
    for (const { frameIndex: f, tPos } of picked) {
      const slot = stored.find((s) => s.frameIndex === f);
      if (slot) out.push({ slot, tPos });
    }
    return out;
  }

  /** Ring indices of stored pointers within maxObjPtrs-1 of `frameIndex`, newest first. */
  #ptrsFor(frameIndex: number): number[] {
    const out: number[] = [];
    for (let d = 1; d < this.options.maxObjPtrs && d <= frameIndex; d += 1) {
      const ring = this.#ptrFrame.indexOf(frameIndex - d);
      if (ring >= 0 && frameIndex - d !== this.#cond?.frameIndex) out.push(ring);
    }
    return out;
  }
}
