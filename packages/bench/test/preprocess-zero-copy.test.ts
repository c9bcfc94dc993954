import { encodeModel, ModuleBuilder } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { Preprocessor, simdResizeSupported } from '../src/index.js';
import { maxAbsDiff, noiseFrame, SIMD_TOLERANCE } from './helpers/frames.js';

const hasSimd = simdResizeSupported({ width: 2, height: 2 }, 4);
if (!hasSimd)
  console.warn('preprocess zero-copy: this runtime lacks WebAssembly SIMD; the SIMD-only checks are skipped');

type Ort = typeof import('onnxruntime-node');
const ort: Ort | undefined = await import('onnxruntime-node').catch(() => undefined);
if (!ort) console.warn('preprocess zero-copy: onnxruntime-node does not load here; the ORT feed check is skipped');

describe('Preprocessor output without `out`', () => {
  it('is the same tensor for every frame of a size, overwritten by each frame', () => {
    const pre = new Preprocessor({ size: 64 });
    const first = pre.fromRgb(noiseFrame(320, 180, 3, 1));
    const second = pre.fromRgb(noiseFrame(320, 180, 3, 2));
    expect(second).toBe(first);
    expect(pre.output).toBe(first);
    const expected = pre.fromRgb(noiseFrame(320, 180, 3, 2), new Float32Array(3 * 64 * 64));
    expect(maxAbsDiff(first, expected)).toBe(0);
  });

  it('leaves a caller-owned `out` untouched by later frames', () => {
    const pre = new Preprocessor({ size: 64 });
    const mine = pre.fromRgb(noiseFrame(320, 180, 3, 1), new Float32Array(3 * 64 * 64));
    const kept = mine.slice();
    pre.fromRgb(noiseFrame(320, 180, 3, 2));
    pre.fromRgb(noiseFrame(320, 180, 3, 3));
    expect(maxAbsDiff(mine, kept)).toBe(0);
  });

  it('after a change of frame size is a new tensor, and the old one keeps the last frame of the old size', () => {
    const pre = new Preprocessor({ size: 64 });
    const wide = pre.fromRgb(noiseFrame(320, 180, 3, 1));
    const kept = wide.slice();
    const square = noiseFrame(100, 100, 4, 2);
    const next = pre.fromRgb(square);
    expect(pre.output).toBe(next);
    expect(maxAbsDiff(wide, kept)).toBe(0);
    const reference = new Preprocessor({ size: 64, simd: false }).fromRgb(square);
    expect(maxAbsDiff(next, reference)).toBeLessThan(SIMD_TOLERANCE);
  });

  it('is an array of its own with the TypeScript kernels, still reused frame after frame', () => {
    const pre = new Preprocessor({ size: 30, simd: false });
    const first = pre.fromRgb(noiseFrame(50, 40, 3, 1));
    expect(pre.fromRgb(noiseFrame(50, 40, 3, 2))).toBe(first);
    expect(pre.output).toBe(first);
  });

  it.skipIf(!hasSimd || !ort)(
    'feeds onnxruntime-node as is: the view into WebAssembly memory reads right',
    async () => {
      // A Neg graph returns its input negated: any offset or length mistake in reading the view shows up.
      const b = new ModuleBuilder('m', { seed: 0 });
      b.output('y', b.op1('Neg', [b.input('x', [1, 3, 64, 64])]), [1, 3, 64, 64]);
      const session = await ort!.InferenceSession.create(encodeModel(b.build()), { intraOpNumThreads: 1 });
      try {
        const pre = new Preprocessor({ size: 64 });
        const tensor = pre.fromRgb(noiseFrame(320, 180));
        expect(tensor.byteOffset).toBeGreaterThan(0);
        const { y } = await session.run({ x: new ort!.Tensor('float32', tensor, [1, 3, 64, 64]) });
        const negated = (y!.data as Float32Array).map((v) => -v);
        expect(maxAbsDiff(negated, tensor)).toBe(0);
      } finally {
        await session.release();
      }
    },
  );
});

describe('Preprocessor.frameBuffer', () => {
  it.each([
    { kernels: 'SIMD', simd: true, channels: 3 },
    { kernels: 'SIMD', simd: true, channels: 4 },
    { kernels: 'TypeScript', simd: false, channels: 3 },
  ])('gives the same tensor as passing the same pixels as a separate frame ($kernels, $channels channels)', ({
    simd,
    channels,
  }) => {
    const pre = new Preprocessor({ size: 64, simd });
    const source = noiseFrame(320, 180, channels, 4);
    const expected = pre.fromRgb(source, new Float32Array(3 * 64 * 64));
    pre.fromRgb(noiseFrame(320, 180, channels, 5));
    const frame = pre.frameBuffer(320, 180, channels);
    frame.data.set(source.data);
    expect(maxAbsDiff(pre.fromRgb(frame), expected)).toBe(0);
    expect(pre.resizeKernel).toBe(simd && hasSimd ? 'simd' : 'js');
  });

  it('returns the same buffer for the same size and a new one for another size', () => {
    const pre = new Preprocessor({ size: 64 });
    const a = pre.frameBuffer(320, 180);
    expect(pre.frameBuffer(320, 180).data).toBe(a.data);
    const b = pre.frameBuffer(200, 100, 4);
    expect(b.data).not.toBe(a.data);
    expect(b).toMatchObject({ width: 200, height: 100, channels: 4 });
    expect(b.data.length).toBe(200 * 100 * 4);
  });

  it('still reads right when handed back after the frame size changed (it is then copied like any frame)', () => {
    const pre = new Preprocessor({ size: 64 });
    const old = pre.frameBuffer(320, 180);
    const pixels = noiseFrame(320, 180, 3, 6);
    old.data.set(pixels.data);
    pre.fromRgb(noiseFrame(100, 100));
    const tensor = pre.fromRgb(old);
    const reference = new Preprocessor({ size: 64 }).fromRgb(pixels);
    expect(maxAbsDiff(tensor, reference)).toBe(0);
  });

  it('BAD CALL - refuses a size that is not a positive integer or channels other than 3 or 4, naming it', () => {
    const pre = new Preprocessor({ size: 64 });
    expect(() => pre.frameBuffer(0, 10)).toThrow(/frameBuffer must have a positive integer width and height/);
    expect(() => pre.frameBuffer(10.5, 10)).toThrow(RangeError);
    expect(() => pre.frameBuffer(10, 10, 1)).toThrow(/frameBuffer.channels must be 3 or 4, got 1/);
  });
});
