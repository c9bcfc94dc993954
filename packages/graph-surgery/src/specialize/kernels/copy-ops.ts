/** Ops that copy elements without computing: Concat, Gather, Slice, Transpose, Tile, Split (exact for every type). */
import { getIntNumber } from '../../graph/attributes.js';
import { GraphConflict, normalizeAxis } from '../conflict.js';
import { allocate, bitsOf, product, type Tensor } from '../tensor.js';
import { copyByTables, stepTable, stridesOf } from './indexing.js';
import {
  axesOf,
  integerList,
  intsAttribute,
  type KernelContext,
  need,
  type OpRule,
  type Shapes,
  type Values,
} from './types.js';

function concatDims(shapes: readonly (readonly number[])[], axisAttr: number): { dims: number[]; axis: number } {
  const first = shapes[0]!;
  const axis = normalizeAxis(axisAttr, first.length, 'Concat axis');
  const dims = [...first];
  dims[axis] = 0;
  for (const s of shapes) {
    if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i]))
      throw new GraphConflict(
        `Concat on axis ${axis} of ${shapes.map((x) => `[${x.join(',')}]`).join(', ')}: the other dims differ`,
      );
    dims[axis]! += s[axis]!;
  }
  return { dims, axis };
}

function concat(values: readonly Tensor[], axisAttr: number): Tensor {
  const { dims, axis } = concatDims(
    values.map((v) => v.dims),
    axisAttr,
  );
  const out = allocate(values[0]!.dataType, dims);
  const dst = bitsOf(out.data);
  const outer = product(dims.slice(0, axis));
  const inner = product(dims.slice(axis + 1));
  const sources = values.map((v) => ({ bits: bitsOf(v.data), block: v.dims[axis]! * inner }));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const { bits, block } of sources) {
      const from = o * block;
      // Short blocks copy element by element: a subarray view per block costs more than the copy.
      if (block < 64) for (let i = 0; i < block; i++) dst[k + i] = bits[from + i]!;
      else dst.set(bits.subarray(from, from + block) as never, k);
      k += block;
    }
  }
  return out;
}

function gatherDims(data: readonly number[], indices: readonly number[], axisAttr: number): number[] {
  const axis = normalizeAxis(axisAttr, data.length, 'Gather axis');
  return [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
}

function checkIndices(indices: readonly number[], extent: number): void {
  for (const i of indices)
    if (i < -extent || i >= extent)
      throw new GraphConflict(`Gather index ${i} is out of range for a dim of size ${extent}`);
}

function gather(data: Tensor, indices: Tensor, axisAttr: number): Tensor {
  const axis = normalizeAxis(axisAttr, data.dims.length, 'Gather axis');
  const idx = integerList(indices);
  const extent = data.dims[axis]!;
  checkIndices(idx, extent);
  const out = allocate(data.dataType, gatherDims(data.dims, indices.dims, axisAttr));
  const src = bitsOf(data.data);
  const dst = bitsOf(out.data);
  const outer = product(data.dims.slice(0, axis));
  const inner = product(data.dims.slice(axis + 1));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx) {
      const i = raw < 0 ? raw + extent : raw;
      const from = (o * extent + i) * inner;
      dst.set(src.subarray(from, from + inner) as never, k);
      k += inner;
    }
  }
  return out;
}

interface AxisRange {
  start: number;
  count: number;
  step: number;
}

/** Start, element count and step of a Slice on every axis of `shape`, per the ONNX clamping rules. */
function sliceRanges(
  shape: readonly number[],
  values: Values,
  _shapes: Shapes,
  ctx: KernelContext,
): AxisRange[] | undefined {
  // Before opset 10 starts/ends/axes are attributes; the node's form says which it is.
  const old = intsAttribute(ctx.node, 'starts') !== undefined;
  const starts = old ? intsAttribute(ctx.node, 'starts') : values[1] && integerList(values[1]);
  const ends = old ? intsAttribute(ctx.node, 'ends') : values[2] && integerList(values[2]);
  if (!starts || !ends) return undefined;
  const axesGiven = old ? intsAttribute(ctx.node, 'axes') : axesOf(values, ctx, 3);
  if (axesGiven === undefined && !old) return undefined;
  const axes = axesGiven ?? starts.map((_, i) => i);
  const stepsInput = !old && ctx.node.input[4];
  if (stepsInput && !values[4]) return undefined;
  const steps = stepsInput ? integerList(values[4]!) : starts.map(() => 1);
  if (starts.length !== ends.length || axes.length !== starts.length || steps.length !== starts.length)
    throw new GraphConflict('Slice starts, ends, axes and steps differ in length');
  const ranges: AxisRange[] = shape.map((d) => ({ start: 0, count: d, step: 1 }));
  const seen = new Set<number>();
  axes.forEach((axisAttr, i) => {
    const axis = normalizeAxis(axisAttr, shape.length, 'Slice axis');
    if (seen.has(axis)) throw new GraphConflict(`Slice axis ${axis} is given twice`);
    seen.add(axis);
    const dim = shape[axis]!;
    const step = steps[i]!;
    if (step === 0) throw new GraphConflict('Slice step is 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let start = starts[i]! < 0 ? starts[i]! + dim : starts[i]!;
    let end = ends[i]! < 0 ? ends[i]! + dim : ends[i]!;
    if (step > 0) {
      start = clamp(start, 0, dim);
      end = clamp(end, 0, dim);
    } else {
      start = clamp(start, 0, dim - 1);
      end = clamp(end, -1, dim - 1);
    }
    ranges[axis] = { start, count: Math.max(0, Math.ceil((end - start) / step)), step };
  });
  return ranges;
}

function permutation(rank: number, ctx: KernelContext): number[] {
  const perm = intsAttribute(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i))
    throw new GraphConflict(`Transpose perm [${perm.join(',')}] is not a permutation of rank ${rank}`);
  return perm;
}

function splitSizes(dim: number, values: Values, ctx: KernelContext): number[] | undefined {
  const outputs = ctx.node.output.length;
  let sizes: number[] | undefined;
  // Before opset 13 the sizes are an attribute; the node's form says which it is.
  sizes = intsAttribute(ctx.node, 'split');
  if (!sizes && ctx.node.input[1]) {
    if (!values[1]) return undefined;
    sizes = integerList(values[1]);
  }
  if (sizes) {
    if (sizes.length !== outputs || sizes.reduce((a, b) => a + b, 0) !== dim || sizes.some((s) => s < 0))
      throw new GraphConflict(`Split sizes [${sizes.join(',')}] do not cover a dim of ${dim} in ${outputs} parts`);
    return sizes;
  }
  const chunk = Math.ceil(dim / outputs);
  const parts = Array.from({ length: outputs }, (_, i) => (i < outputs - 1 ? chunk : dim - chunk * (outputs - 1)));
  if (parts.some((p) => p < 0) || (ctx.opset < 18 && dim % outputs !== 0))
    throw new GraphConflict(`Split cannot cut a dim of ${dim} into ${outputs} equal parts`);
  return parts;
}

function sliceTables(x: Tensor, ranges: readonly AxisRange[]): Float64Array[] {
  const strides = stridesOf(x.dims);
  return ranges.map((r, a) => stepTable(r.start, r.step, r.count, strides[a]!));
}

export const COPY_OPS: Record<string, OpRule> = {
  OneHot: {
    shape: (s, v, ctx) => {
      if (!s[0] || !v[1]) return undefined;
      const depth = integerList(v[1])[0]!;
      const axis = normalizeAxis(getIntNumber(ctx.node, 'axis', -1), s[0].length + 1, 'OneHot axis');
      return [[...s[0].slice(0, axis), depth, ...s[0].slice(axis)]];
    },
    kernel: (v, ctx) => [
      oneHot(need(v[0], 'indices'), need(v[1], 'depth'), need(v[2], 'values'), getIntNumber(ctx.node, 'axis', -1)),
    ],
  },
  Concat: {
    shape: (s, _v, ctx) => {
      if (s.some((x) => !x)) return undefined;
      return [concatDims(s as number[][], getIntNumber(ctx.node, 'axis', 0)).dims];
    },
    kernel: (v, ctx) => [concat(v as Tensor[], getIntNumber(ctx.node, 'axis', 0))],
  },
  Gather: {
    shape: (s, v, ctx) => {
      if (!s[0] || !s[1]) return undefined;
      const axis = normalizeAxis(getIntNumber(ctx.node, 'axis', 0), s[0].length, 'Gather axis');
      if (v[1]) checkIndices(integerList(v[1]), s[0][axis]!);
      return [gatherDims(s[0], s[1], axis)];
    },
    kernel: (v, ctx) => [gather(need(v[0], 'data'), need(v[1], 'indices'), getIntNumber(ctx.node, 'axis', 0))],
  },
  Slice: {
    shape: (s, v, ctx) => {
      if (!s[0]) return undefined;
      const ranges = sliceRanges(s[0], v, s, ctx);
      return ranges ? [ranges.map((r) => r.count)] : undefined;
    },
    kernel: (v, ctx) => {
      const x = need(v[0], 'data');
      const ranges = need(
        sliceRanges(
          x.dims,
          v,
          v.map((t) => t?.dims),
          ctx,
        ),
        'Slice ranges',
      );
      return [
        copyByTables(
          x,
          ranges.map((r) => r.count),
          sliceTables(x, ranges),
        ),
      ];
    },
  },
  Transpose: {
    shape: (s, _v, ctx) => (s[0] ? [permutation(s[0].length, ctx).map((p) => s[0]![p]!)] : undefined),
    kernel: (v, ctx) => {
      const x = need(v[0], 'data');
      const perm = permutation(x.dims.length, ctx);
      const strides = stridesOf(x.dims);
      const dims = perm.map((p) => x.dims[p]!);
      return [
        copyByTables(
          x,
          dims,
          perm.map((p, a) => stepTable(0, 1, dims[a]!, strides[p]!)),
        ),
      ];
    },
  },
  Tile: {
    shape: (s, v) => (s[0] && v[1] ? [tiledDims(s[0], integerList(v[1]))] : undefined),
    kernel: (v) => {
      const x = need(v[0], 'input');
      const dims = tiledDims(x.dims, integerList(need(v[1], 'repeats')));
      const strides = stridesOf(x.dims);
      const tables = dims.map((d, a) => {
        const t = new Float64Array(Math.max(d, 1));
        for (let i = 0; i < d; i++) t[i] = (i % x.dims[a]!) * strides[a]!;
        return t;
      });
      return [copyByTables(x, dims, tables)];
    },
  },
  Split: {
    shape: (s, v, ctx) => {
      if (!s[0]) return undefined;
      const axis = normalizeAxis(getIntNumber(ctx.node, 'axis', 0), s[0].length, 'Split axis');
      const sizes = splitSizes(s[0][axis]!, v, ctx);
      return sizes?.map((size) => s[0]!.map((d, i) => (i === axis ? size : d)));
    },
    kernel: (v, ctx) => {
      const x = need(v[0], 'input');
      const axis = normalizeAxis(getIntNumber(ctx.node, 'axis', 0), x.dims.length, 'Split axis');
      const sizes = need(splitSizes(x.dims[axis]!, v, ctx), 'split');
      let start = 0;
      return sizes.map((size) => {
        const ranges = x.dims.map((d, a) =>
          a === axis ? { start, count: size, step: 1 } : { start: 0, count: d, step: 1 },
        );
        start += size;
        return copyByTables(
          x,
          ranges.map((r) => r.count),
          sliceTables(x, ranges),
        );
      });
    },
  },
};

/** OneHot: `values` [off, on] placed along a new axis; indices out of [-depth, depth) give a row of off. */
function oneHot(indices: Tensor, depthTensor: Tensor, values: Tensor, axisAttr: number): Tensor {
  const depth = integerList(depthTensor)[0]!;
  if (!(depth > 0)) throw new GraphConflict(`OneHot depth ${depth} is not positive`);
  const rank = indices.dims.length + 1;
  const axis = normalizeAxis(axisAttr, rank, 'OneHot axis');
  const dims = [...indices.dims.slice(0, axis), depth, ...indices.dims.slice(axis)];
  const out = allocate(values.dataType, dims);
  const bits = bitsOf(values.data);
  const dst = bitsOf(out.data);
  (dst as Uint32Array).fill(bits[0] as never);
  const idx = integerList(indices);
  const outer = product(indices.dims.slice(0, axis));
  const inner = product(indices.dims.slice(axis));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const raw = idx[o * inner + i]!;
      const k = raw < 0 ? raw + depth : raw;
      if (k >= 0 && k < depth) dst[(o * depth + k) * inner + i] = bits[1]!;
    }
  return out;
}

function tiledDims(shape: readonly number[], repeats: readonly number[]): number[] {
  if (repeats.length !== shape.length || repeats.some((r) => r < 0))
    throw new GraphConflict(`Tile repeats [${repeats.join(',')}] do not fit a rank-${shape.length} input`);
  return shape.map((d, i) => d * repeats[i]!);
}
