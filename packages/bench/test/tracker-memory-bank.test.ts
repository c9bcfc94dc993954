import { describe, expect, it } from 'vitest';
import { chwToTokens, tokensToChw } from '../src/tracker/layout.js';
import { MemoryBank, sameValues } from '../src/tracker/memory-bank.js';

const HW = 4;
const MEM = 2;
const PTR = 6; // 3 tokens of MEM per pointer

/** tpos row r = [100 * (r + 1), 100 * (r + 1)]: easy to recognise in memoryPos. */
const tpos = Float32Array.from({ length: 7 * MEM }, (_, i) => 100 * (Math.floor(i / MEM) + 1));

/** A [1,MEM,HW] map whose every value encodes the frame: frame * 1000 + channel * 10 + token. */
function frameMap(frame: number): Float32Array {
  return Float32Array.from({ length: MEM * HW }, (_, i) => frame * 1000 + Math.floor(i / HW) * 10 + (i % HW));
}

function bank(): MemoryBank {
  return new MemoryBank({ numMaskmem: 7, maxObjPtrs: 16, tokensPerFrame: HW, memDim: MEM, ptrDim: PTR, tposEnc: tpos });
}

function addFrames(b: MemoryBank, count: number): void {
  for (let f = 0; f < count; f += 1) {
    b.addFrame(
      f,
      frameMap(f),
      frameMap(f),
      Float32Array.from({ length: PTR }, (_, i) => f + i / 10),
      f === 0,
    );
  }
}

describe('memory layout transposes', () => {
  it('turns a [1,C,HW] map into [HW,1,C] tokens and back', () => {
    const src = Float32Array.from({ length: 3 * 5 }, (_, i) => i);
    const tokens = chwToTokens(src, 3, 5, new Float32Array(15));
    expect(tokens[1 * 3 + 2]).toBe(src[2 * 5 + 1]);
    expect(Array.from(tokensToChw(tokens, 3, 5, new Float32Array(15)))).toEqual(Array.from(src));
  });

  it('transposes real and odd sizes (eight-row blocks, tile edges and leftover rows) like a plain loop', () => {
    for (const [c, hw] of [
      [256, 1024],
      [64, 1024],
      [37, 53],
      [9, 70],
    ] as const) {
      const src = Float32Array.from({ length: c * hw }, (_, i) => Math.sin(i) * 1000);
      const plain = new Float32Array(c * hw);
      for (let ch = 0; ch < c; ch += 1) for (let t = 0; t < hw; t += 1) plain[t * c + ch] = src[ch * hw + t]!;
      const tokens = chwToTokens(src, c, hw, new Float32Array(c * hw));
      expect(tokens).toEqual(plain);
      expect(tokensToChw(tokens, c, hw, new Float32Array(c * hw))).toEqual(src);
    }
  });
});

describe('sameValues (skips work whose input did not change)', () => {
  it('compares bits: equal arrays and views match, one changed value, -0 for 0 or another length do not', () => {
    const a = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
    const b = Float32Array.from(a);
    expect(sameValues(a, b)).toBe(true);
    const wide = new Float32Array(1010);
    wide.set(a, 5);
    expect(sameValues(a, wide.subarray(5, 1005))).toBe(true);
    b[999] = 1;
    expect(sameValues(a, b)).toBe(false);
    expect(sameValues(new Float32Array([0]), new Float32Array([-0]))).toBe(false);
    expect(sameValues(new Float32Array([Number.NaN]), new Float32Array([Number.NaN]))).toBe(true);
    expect(sameValues(a, a.subarray(1))).toBe(false);
  });
});

describe('MemoryBank', () => {
  it('puts the conditioning frame first, then previous frames oldest to newest, then pointers', () => {
    const b = bank();
    addFrames(b, 10);
    const { segments } = b.assemble(10);
    expect(segments.filter((s) => s.kind === 'frame').map((s) => s.frameIndex)).toEqual([0, 4, 5, 6, 7, 8, 9]);
    // Pointers: the conditioning frame's, then the previous frames newest first.
    expect(segments.filter((s) => s.kind === 'pointer').map((s) => s.frameIndex)).toEqual([
      0, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    expect(segments.findIndex((s) => s.kind === 'pointer')).toBe(7);
  });

  it('adds tpos row 6 to the conditioning frame and row distance-1 to a previous frame', () => {
    const b = bank();
    addFrames(b, 10);
    const { segments } = b.assemble(10);
    expect(segments.filter((s) => s.kind === 'frame').map((s) => s.tposRow)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    // Frame 9 (distance 1) is the 7th segment; its token 2, channel 1 = map value + tpos row 0.
    const seg = segments[6]!;
    expect(b.memoryPos[(seg.tokenOffset + 2) * MEM + 1]).toBe(9 * 1000 + 1 * 10 + 2 + 100);
    expect(b.memory[(seg.tokenOffset + 2) * MEM + 1]).toBe(9 * 1000 + 1 * 10 + 2);
    const cond = segments[0]!;
    expect(b.memoryPos[(cond.tokenOffset + 3) * MEM]).toBe(3 + 700);
  });

  it('keeps the tpos row tied to the distance when fewer than 6 previous frames exist', () => {
    const b = bank();
    addFrames(b, 3);
    const frames = b.assemble(3).segments.filter((s) => s.kind === 'frame');
    expect(frames.map((s) => [s.frameIndex, s.tposRow])).toEqual([
      [0, 6],
      [1, 1],
      [2, 0],
    ]);
  });

  it('splits each pointer into ptrDim/memDim consecutive tokens with zero pos-enc', () => {
    const b = bank();
    addFrames(b, 2);
    const assembled = b.assemble(2);
    expect(b.ptrTokens).toBe(3);
    expect(assembled.objPtrTokens).toBe(2 * 3);
    const newest = assembled.segments.find((s) => s.kind === 'pointer' && s.frameIndex === 1)!;
    const start = newest.tokenOffset * MEM;
    expect(Array.from(b.memory.subarray(start, start + PTR))).toEqual(
      Array.from(Float32Array.of(1, 1.1, 1.2, 1.3, 1.4, 1.5)),
    );
    expect(Array.from(b.memoryPos.subarray(start, start + PTR))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(assembled.tokens).toBe(2 * HW + 2 * 3);
  });

  it('grows to 7 spatial memories and 16 pointers and stops there', () => {
    const b = bank();
    const sizes: [number, number][] = [];
    for (let f = 0; f < 20; f += 1) {
      b.addFrame(f, frameMap(f), frameMap(f), new Float32Array(PTR), f === 0);
      sizes.push([b.framesFor(f + 1), b.pointersFor(f + 1)]);
    }
    expect(sizes.slice(0, 3)).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(sizes[5]).toEqual([6, 6]);
    expect(sizes[6]).toEqual([7, 7]);
    expect(sizes[14]).toEqual([7, 15]);
    expect(sizes[15]).toEqual([7, 16]);
    expect(sizes[19]).toEqual([7, 16]);
    const full = b.assemble(20);
    expect(full.tokens).toBe(7 * HW + 16 * 3);
  });

  it('keeps pos-enc plus the right tpos row when an unchanged pos-enc is reused as frames age', () => {
    const b = bank();
    const pos = frameMap(42);
    const expectPos = (frameIndex: number) => {
      for (const seg of b.assemble(frameIndex).segments.filter((s) => s.kind === 'frame')) {
        for (let t = 0; t < HW; t += 1) {
          for (let m = 0; m < MEM; m += 1) {
            expect(b.memoryPos[(seg.tokenOffset + t) * MEM + m]).toBe(pos[m * HW + t]! + tpos[seg.tposRow! * MEM + m]!);
          }
        }
      }
    };
    for (let f = 0; f < 10; f += 1) {
      b.addFrame(f, frameMap(f), pos, new Float32Array(PTR), f === 0);
      expectPos(f + 1);
    }
    b.clear();
    b.addFrame(0, frameMap(0), pos, new Float32Array(PTR), true);
    expectPos(1);
  });

  it('forgets every frame on clear()', () => {
    const b = bank();
    addFrames(b, 4);
    b.clear();
    expect([b.framesFor(4), b.pointersFor(4)]).toEqual([0, 0]);
  });

  it('writes every frame of each assembly, the conditioning frame whenever it was replaced, without clear() or after it', () => {
    const b = bank();
    addFrames(b, 10);
    const tokenValue = (frame: number) => frame * 1000 + 1 * 10 + 2; // channel 1, token 2
    const at = (segment: number) => b.memory[(segment * HW + 2) * MEM + 1];
    b.assemble(10);
    expect([at(0), at(6)]).toEqual([tokenValue(0), tokenValue(9)]);
    b.addFrame(10, frameMap(10), frameMap(10), new Float32Array(PTR), false);
    b.assemble(11);
    expect([at(0), at(1), at(6)]).toEqual([tokenValue(0), tokenValue(5), tokenValue(10)]);
    b.addFrame(0, frameMap(77), frameMap(77), new Float32Array(PTR), true); // a new conditioning frame
    b.assemble(11);
    expect(at(0)).toBe(tokenValue(77));
    b.clear();
    b.addFrame(0, frameMap(55), frameMap(55), new Float32Array(PTR), true);
    b.assemble(1);
    expect(at(0)).toBe(tokenValue(55));
  });
});
