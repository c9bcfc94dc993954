/**
 * Copying elements by index tables: one table per output axis gives, for each coordinate on that axis, the
 * offset it contributes in the source. Slice, Transpose, Expand, Tile and Gather are all this copy with
 * different tables, and it copies bit patterns (see `bitsOf`), so it is exact for every element type.
 */
import { allocate, bitsOf, type Tensor } from '../tensor.js';

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * dims[i + 1]!;
  return strides;
}

/** A tensor of `outDims` whose element at coordinates (i0, i1, ...) is `source` at offset sum(tables[a][ia]). */
export function copyByTables(source: Tensor, outDims: readonly number[], tables: readonly ArrayLike<number>[]): Tensor {
  const out = allocate(source.dataType, outDims);
  const n = out.data.length;
  if (n === 0) return out;
  const src = bitsOf(source.data);
  const dst = bitsOf(out.data);
  const rank = outDims.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return out;
  }
  const counters = new Array<number>(rank).fill(0);
  const partial = new Array<number>(rank + 1).fill(0);
  for (let a = 0; a < rank; a++) partial[a + 1] = partial[a]! + tables[a]![0]!;
  const last = rank - 1;
  const lastTable = tables[last]!;
  const lastDim = outDims[last]!;
  // Rows that are contiguous in the source (no transpose, slice step or broadcast on the last axis) copy at once.
  let contiguous = lastDim >= 16;
  for (let i = 1; contiguous && i < lastDim; i++) contiguous = lastTable[i] === lastTable[0]! + i;
  let k = 0;
  while (k < n) {
    const base = partial[last]!;
    if (contiguous) {
      const from = base + lastTable[0]!;
      dst.set(src.subarray(from, from + lastDim) as never, k);
      k += lastDim;
    } else for (let i = 0; i < lastDim; i++) dst[k++] = src[base + lastTable[i]!]!;
    // Advance the outer counters (odometer), recomputing the partial sums from the changed axis on.
    let a = last - 1;
    while (a >= 0) {
      if (++counters[a]! < outDims[a]!) break;
      counters[a] = 0;
      a--;
    }
    if (a < 0) break;
    for (let b = a; b < last; b++) partial[b + 1] = partial[b]! + tables[b]![counters[b]!]!;
  }
  return out;
}

/** Table of `count` offsets start*stride, (start+step)*stride, ... */
export function stepTable(start: number, step: number, count: number, stride: number): Float64Array {
  const t = new Float64Array(Math.max(count, 1));
  for (let i = 0; i < count; i++) t[i] = (start + i * step) * stride;
  return t;
}
