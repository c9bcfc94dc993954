import { describe, expect, it } from 'vitest';
import { chwToTokens } from '../src/tracker/layout.js';
import { MemoryBank } from '../src/tracker/memory-bank.js';
import {
  isMemoryCandidate,
  type MemoryScores,
  type MemorySelectionOptions,
  memorySelectionOf,
  pickMemoryFrames,
  resolveMemorySelection,
} from '../src/tracker/memory-selection.js';

const HW = 4;
const MEM = 2;
const PTR = 6;
const tpos = Float32Array.from({ length: 7 * MEM }, (_, i) => 100 * (Math.floor(i / MEM) + 1));
const PASS: MemoryScores = { iou: 0.9, objectScore: 2 };
const FAIL: MemoryScores = { iou: 0.3, objectScore: 2 };

function frameMap(frame: number): Float32Array {
  return Float32Array.from({ length: MEM * HW }, (_, i) => frame * 1000 + Math.floor(i / HW) * 10 + (i % HW));
}

function selectingBank(selection: MemorySelectionOptions = {}, maxObjPtrs = 16): MemoryBank {
  return new MemoryBank({
    numMaskmem: 7,
    maxObjPtrs,
    tokensPerFrame: HW,
    memDim: MEM,
    ptrDim: PTR,
    tposEnc: tpos,
    selection,
  });
}

function add(b: MemoryBank, frame: number, scores: MemoryScores): void {
  const ptr = Float32Array.from({ length: PTR }, (_, i) => frame + i / 10);
  b.addFrame(frame, frameMap(frame), frameMap(frame), ptr, frame === 0, scores);
}

/** Frames 0..count-1; frames in `failing` get a low predicted IoU. */
function addScored(b: MemoryBank, count: number, failing: readonly number[] = []): void {
  for (let f = 0; f < count; f += 1) add(b, f, failing.includes(f) ? FAIL : PASS);
}

function frames(b: MemoryBank, current: number) {
  return b.assemble(current).segments.filter((s) => s.kind === 'frame');
}

describe('SAMURAI memory candidates', () => {
  const s = resolveMemorySelection();

  it('needs predicted IoU > 0.5, object score > 0 and, where there is one, Kalman score > 0 (all strict)', () => {
    expect(isMemoryCandidate(5, { iou: 0.51, objectScore: 0.1 }, s)).toBe(true);
    expect(isMemoryCandidate(5, { iou: 0.5, objectScore: 0.1 }, s)).toBe(false);
    expect(isMemoryCandidate(5, { iou: 0.9, objectScore: 0 }, s)).toBe(false);
    expect(isMemoryCandidate(5, { iou: 0.9, objectScore: 1, kalmanScore: 0 }, s)).toBe(false);
    expect(isMemoryCandidate(5, { iou: 0.9, objectScore: 1, kalmanScore: 0.2 }, s)).toBe(true);
  });

  it('never makes frames 0 and 1 candidates by default (SAMURAI walks back to frame 2), unless told otherwise', () => {
    expect(isMemoryCandidate(1, PASS, s)).toBe(false);
    expect(isMemoryCandidate(2, PASS, s)).toBe(true);
    expect(isMemoryCandidate(1, PASS, resolveMemorySelection({ firstCandidateFrame: 1 }))).toBe(true);
  });

  it('BAD CALL - a NaN threshold is a RangeError naming it', () => {
    expect(() => resolveMemorySelection({ iouThreshold: Number.NaN })).toThrow(/iouThreshold/);
  });

  it('is on with kalman unless memorySelection is false, and off without kalman', () => {
    expect(memorySelectionOf(undefined)).toBeUndefined();
    expect(memorySelectionOf(false)).toBeUndefined();
    expect(memorySelectionOf(true)).toEqual({});
    expect(memorySelectionOf({ gate: 0.2 })).toEqual({});
    expect(memorySelectionOf({ memorySelection: false })).toBeUndefined();
    expect(memorySelectionOf({ memorySelection: { iouThreshold: 0.7 } })).toEqual({ iouThreshold: 0.7 });
  });
});

describe('pickMemoryFrames (SAMURAI order and temporal positions)', () => {
  const stored = (candidates: readonly number[], others: readonly number[]) => [
    ...candidates.map((frameIndex) => ({ frameIndex, candidate: true })),
    ...others.map((frameIndex) => ({ frameIndex, candidate: false })),
  ];

  it('takes the newest 6 candidates oldest first at t_pos 1..6 when t-1 is one of them', () => {
    const picked = pickMemoryFrames(stored([2, 3, 4, 5, 6, 7, 8, 9], []), 10, 7, 15);
    expect(picked).toEqual([4, 5, 6, 7, 8, 9].map((frameIndex, i) => ({ frameIndex, tPos: i + 1 })));
  });

  it('always appends t-1, numbers positions by rank (not distance) and starts them higher when fewer', () => {
    const picked = pickMemoryFrames(stored([2, 3, 5, 8], [4, 6, 7, 9]), 10, 7, 15);
    expect(picked).toEqual([
      { frameIndex: 2, tPos: 2 },
      { frameIndex: 3, tPos: 3 },
      { frameIndex: 5, tPos: 4 },
      { frameIndex: 8, tPos: 5 },
      { frameIndex: 9, tPos: 6 },
    ]);
  });

  it('looks back past 15 frames: the cap of 15 counts candidates, not frames', () => {
    const failing = Array.from({ length: 27 }, (_, i) => i + 4);
    expect(pickMemoryFrames(stored([3], failing), 31, 7, 15)).toEqual([
      { frameIndex: 3, tPos: 5 },
      { frameIndex: 30, tPos: 6 },
    ]);
  });

  it('keeps the newest maxCandidates candidates, and only t-1 when the cap is 0', () => {
    const five = stored([2, 3, 4, 5, 6], [7]);
    expect(pickMemoryFrames(five, 8, 7, 3).map((p) => p.frameIndex)).toEqual([4, 5, 6, 7]);
    expect(pickMemoryFrames(five, 8, 7, 0)).toEqual([{ frameIndex: 7, tPos: 6 }]);
  });

  it('names t-1 even when it is not stored (the caller skips it) and uses nothing with numMaskmem 1', () => {
    expect(pickMemoryFrames(stored([2], []), 4, 7, 15)).toEqual([
      { frameIndex: 2, tPos: 5 },
      { frameIndex: 3, tPos: 6 },
    ]);
    expect(pickMemoryFrames(stored([2], []), 4, 1, 15)).toEqual([]);
  });
});

describe('MemoryBank with SAMURAI memory selection', () => {
  it('leaves low-score frames out, keeps t-1, and writes each used frame with the tpos row of its rank', () => {
    const b = selectingBank();
    addScored(b, 10, [4, 6, 7, 9]);
    const used = frames(b, 10);
    // Frame 1 is never a candidate; 9 fails but is t-1.
    expect(used.map((s) => s.frameIndex)).toEqual([0, 2, 3, 5, 8, 9]);
    expect(used.map((s) => s.tposRow)).toEqual([6, 4, 3, 2, 1, 0]);
    const tokens = chwToTokens(frameMap(5), MEM, HW, new Float32Array(MEM * HW));
    const seg = used[3]!;
    const at = seg.tokenOffset * MEM;
    expect(Array.from(b.memory.subarray(at, at + HW * MEM))).toEqual(Array.from(tokens));
    expect(Array.from(b.memoryPos.subarray(at, at + HW * MEM))).toEqual(
      Array.from(tokens, (v, i) => v + tpos[2 * MEM + (i % MEM)]!),
    );
    expect(b.framesFor(10)).toBe(6);
  });

  it('uses the frame before the current one even when it fails, and the failing ones before it not', () => {
    const b = selectingBank();
    addScored(b, 12, [5, 6, 7, 8, 9, 10, 11]);
    expect(frames(b, 12).map((s) => s.frameIndex)).toEqual([0, 2, 3, 4, 11]);
  });

  it('keeps an old candidate through a long run of failing frames (look-back is not limited to 15 frames)', () => {
    const b = selectingBank();
    addScored(
      b,
      40,
      Array.from({ length: 36 }, (_, i) => i + 4),
    );
    const used = frames(b, 40);
    expect(used.map((s) => s.frameIndex)).toEqual([0, 2, 3, 39]);
    expect(used.map((s) => s.tposRow)).toEqual([6, 2, 1, 0]);
  });

  it('matches the selection over the whole history while storing numMaskmem frames, for any pass pattern', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const passRate of [0.2, 0.5, 0.9]) {
      const b = selectingBank();
      const history: { frameIndex: number; candidate: boolean }[] = [];
      add(b, 0, PASS);
      for (let f = 1; f < 80; f += 1) {
        const scores = random() < passRate ? PASS : FAIL;
        add(b, f, scores);
        history.push({ frameIndex: f, candidate: f >= 2 && scores === PASS });
        const expected = pickMemoryFrames(history, f + 1, 7, 15);
        const used = frames(b, f + 1).slice(1);
        expect(used.map((s) => s.frameIndex)).toEqual(expected.map((p) => p.frameIndex));
        expect(used.map((s) => s.tposRow)).toEqual(expected.map((p) => 7 - p.tPos - 1));
      }
    }
  });

  it('writes the same memory as a fresh bank frame after frame (its per-segment caches stay right)', () => {
    const failing = [3, 4, 8, 9, 10, 13, 17, 18, 19, 20];
    const reused = selectingBank();
    add(reused, 0, PASS);
    for (let f = 1; f < 24; f += 1) {
      add(reused, f, failing.includes(f) ? FAIL : PASS);
      const fresh = selectingBank();
      addScored(fresh, f + 1, failing);
      const a = reused.assemble(f + 1);
      const expected = fresh.assemble(f + 1);
      expect(a.segments).toEqual(expected.segments);
      const n = a.tokens * MEM;
      expect(reused.memory.subarray(0, n)).toEqual(fresh.memory.subarray(0, n));
      expect(reused.memoryPos.subarray(0, n)).toEqual(fresh.memoryPos.subarray(0, n));
    }
  });

  it('takes the same object pointers as SAM 2 (SAMURAI does not filter them)', () => {
    const selecting = selectingBank();
    addScored(selecting, 20, [5, 6, 7, 12]);
    const plain = new MemoryBank({
      numMaskmem: 7,
      maxObjPtrs: 16,
      tokensPerFrame: HW,
      memDim: MEM,
      ptrDim: PTR,
      tposEnc: tpos,
    });
    for (let f = 0; f < 20; f += 1) add(plain, f, PASS);
    const pointers = (b: MemoryBank) => b.assemble(20).segments.filter((s) => s.kind === 'pointer');
    expect(pointers(selecting).map((s) => s.frameIndex)).toEqual(pointers(plain).map((s) => s.frameIndex));
    expect(selecting.pointersFor(20)).toBe(16);
  });

  it('forgets every frame on clear()', () => {
    const b = selectingBank();
    addScored(b, 10);
    b.clear();
    add(b, 0, PASS);
    expect(frames(b, 1).map((s) => s.frameIndex)).toEqual([0]);
  });

  it('BAD CALL - a non-conditioning frame without scores is a RangeError', () => {
    const b = selectingBank();
    add(b, 0, PASS);
    expect(() => b.addFrame(1, frameMap(1), frameMap(1), new Float32Array(PTR), false)).toThrow(
      /needs the frame's scores/,
    );
  });
});
