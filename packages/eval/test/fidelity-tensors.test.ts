import { loadOrt } from '@tamkit/bench';
import { float32ToFloat16Bits } from '@tamkit/graph-surgery';
import { describe, expect, it } from 'vitest';
import { toHostTensor } from '../src/fidelity/host-tensors.js';
import { adaptFeeds } from '../src/fidelity/run-module.js';

describe('host tensors and feed types', () => {
  it('widens FP16 outputs exactly, including overflow to Infinity', () => {
    const bits = Uint16Array.from([1.5, -2, 65504, 1e6], float32ToFloat16Bits);
    const host = toHostTensor({ type: 'float16', dims: [4], data: bits });
    expect(Array.from(host.data)).toEqual([1.5, -2, 65504, Number.POSITIVE_INFINITY]);
  });

  it('reads int64 outputs as numbers', () => {
    const host = toHostTensor({ type: 'int64', dims: [2], data: BigInt64Array.from([3n, -4n]) });
    expect(Array.from(host.data)).toEqual([3, -4]);
  });

  it('converts FP32 feeds for inputs an FP16 file declares, and leaves the others alone', async () => {
    const ort = await loadOrt();
    const x = new ort.Tensor('float32', Float32Array.from([0.1, 3]), [2]);
    const n = new ort.Tensor('int64', BigInt64Array.from([7n]), []);
    const adapted = await adaptFeeds({ x, n }, [
      { name: 'x', type: 'float16', shape: [2] },
      { name: 'n', type: 'int64', shape: [] },
    ]);
    expect(adapted.x?.type).toBe('float16');
    expect(Array.from(adapted.x?.data as Uint16Array)).toEqual([float32ToFloat16Bits(0.1), float32ToFloat16Bits(3)]);
    expect(adapted.n).toBe(n);
  });
});
