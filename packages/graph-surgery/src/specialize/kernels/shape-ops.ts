/**
 * Ops that only read or rewrite shapes: Shape, Size, Identity, Reshape, Flatten, Squeeze, Unsqueeze, Expand,
 * ConstantOfShape, Range. Their values are exact by construction (no arithmetic on floats; integer Range only).
 */
import { getIntNumber, getTensorAttribute } from '../../graph/attributes.js';
import { DataType } from '../../onnx/types.js';
import { broadcastDims, GraphConflict, normalizeAxis } from '../conflict.js';
import {
  allocate,
  bitsOf,
  INTEGER_TYPES,
  int64Tensor,
  numbersOf,
  product,
  type Tensor,
  tensorFromProto,
} from '../tensor.js';
import { copyByTables, stepTable, stridesOf } from './indexing.js';
import { axesOf, integerList, type KernelContext, need, type OpRule, sameShape } from './types.js';

/** Same data, new dims (Reshape, Flatten, Squeeze, Unsqueeze, Identity). */
const reinterpret = (x: Tensor, dims: number[]): Tensor => ({ dataType: x.dataType, dims, data: x.data });

function shapeSlice(shape: readonly number[], ctx: KernelContext): number[] {
  const rank = shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(getIntNumber(ctx.node, 'start', 0));
  const end = clamp(getIntNumber(ctx.node, 'end', rank));
  return shape.slice(start, Math.max(start, end));
}

function reshapeTarget(source: readonly number[], target: readonly number[], allowZero: boolean): number[] {
  const dims = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= source.length)
        throw new GraphConflict(
          `Reshape target [${target.join(',')}] copies dim ${i} (0) of a rank-${source.length} input`,
        );
      return source[i]!;
    }
    return d;
  });
  const inferred = dims.filter((d) => d === -1).length;
  if (inferred > 1 || dims.some((d) => d < -1))
    throw new GraphConflict(`Reshape target [${target.join(',')}] is invalid (negative dims other than one -1)`);
  const total = product(source);
  const known = product(dims.filter((d) => d !== -1));
  if (inferred) {
    if (known === 0 ? total !== 0 : total % known !== 0)
      throw new GraphConflict(`cannot reshape [${source.join(',')}] (${total} elements) to [${target.join(',')}]`);
    dims[dims.indexOf(-1)] = known === 0 ? 0 : total / known;
  } else if (known !== total) {
    throw new GraphConflict(`cannot reshape [${source.join(',')}] (${total} elements) to [${target.join(',')}]`);
  }
  return dims;
}

function squeezed(shape: readonly number[], axes: number[] | null): number[] {
  if (axes === null) return shape.filter((d) => d !== 1);
  const set = new Set(axes.map((a) => normalizeAxis(a, shape.length, 'Squeeze axis')));
  for (const a of set)
    if (shape[a] !== 1) throw new GraphConflict(`Squeeze axis ${a} of [${shape.join(',')}] is ${shape[a]}, not 1`);
  return shape.filter((_, i) => !set.has(i));
}

function unsqueezed(shape: readonly number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const set = new Set(axes.map((a) => normalizeAxis(a, rank, 'Unsqueeze axis')));
  if (set.size !== axes.length) throw new GraphConflict(`Unsqueeze axes [${axes.join(',')}] repeat an axis`);
  const rest = [...shape];
  return Array.from({ length: rank }, (_, i) => (set.has(i) ? 1 : rest.shift()!));
}

function expandedDims(shape: readonly number[], target: readonly number[]): number[] {
  return broadcastDims([shape, target]);
}

/** Broadcast `x` to `dims` (dims must be a broadcast of x's dims). */
export function broadcastTo(x: Tensor, dims: readonly number[]): Tensor {
  if (x.dims.length === dims.length && x.dims.every((d, i) => d === dims[i])) return x;
  const offset = dims.length - x.dims.length;
  const strides = stridesOf(x.dims);
  const tables = dims.map((d, a) => {
    const i = a - offset;
    const own = i >= 0 ? x.dims[i]! : 1;
    return own === 1 ? new Float64Array(Math.max(d, 1)) : stepTable(0, 1, d, strides[i]!);
  });
  return copyByTables(x, dims, tables);
}

function constantFill(ctx: KernelContext): Tensor {
  const t = getTensorAttribute(ctx.node, 'value');
  if (!t) return { dataType: DataType.FLOAT, dims: [1], data: new Float32Array(1) };
  const value = tensorFromProto(t);
  if (!value || value.data.length !== 1)
    throw new GraphConflict('ConstantOfShape value must be a one-element tensor of a supported type');
  return value;
}

/**
 * Element count of a Range: exact for integers; for floats as ONNX Runtime computes it, ceil of
 * (limit - start), taken in the element type, divided by delta in double.
 */
function rangeLength(s: Tensor, l: Tensor, d: Tensor): number {
  if (INTEGER_TYPES.has(s.dataType))
    return rangeCount(...([s, l, d].map((t) => BigInt(t.data[0]!)) as [bigint, bigint, bigint]));
  const [start, limit, delta] = [s, l, d].map((t) => numbersOf(t)[0]!) as [number, number, number];
  if (delta === 0) throw new GraphConflict('Range delta is 0');
  const span = s.dataType === DataType.FLOAT ? Math.fround(limit - start) : limit - start;
  return Math.max(0, Math.ceil(span / delta));
}

const rangeCount = (start: bigint, limit: bigint, delta: bigint): number => {
  if (delta === 0n) throw new GraphConflict('Range delta is 0');
  const span = limit - start;
  // ceil(span / delta) in integers, at least 0.
  const q = span / delta;
  const exact = q * delta === span;
  const up = exact ? q : span > 0n === delta > 0n ? q + 1n : q;
  return Math.max(0, Number(up));
};

export const SHAPE_OPS: Record<string, OpRule> = {
  Shape: {
    shape: (s, _v, ctx) => [s[0] ? [shapeSlice(s[0], ctx).length] : undefined],
    fromShapes: (s, ctx) => (s[0] ? [int64Tensor(shapeSlice(s[0], ctx))] : undefined),
  },
  Size: {
    shape: () => [[]],
    fromShapes: (s) => (s[0] ? [int64Tensor([product(s[0])], [])] : undefined),
  },
  Identity: { shape: sameShape, kernel: (v) => [need(v[0], 'input')] },
  Reshape: {
    shape: (s, v, ctx) =>
      s[0] && v[1] ? [reshapeTarget(s[0], integerList(v[1]), getIntNumber(ctx.node, 'allowzero', 0) === 1)] : undefined,
    kernel: (v, ctx) => {
      const x = need(v[0], 'data');
      return [
        reinterpret(
          x,
          reshapeTarget(x.dims, integerList(need(v[1], 'shape')), getIntNumber(ctx.node, 'allowzero', 0) === 1),
        ),
      ];
    },
  },
  Flatten: {
    shape: (s, _v, ctx) => (s[0] ? [flattened(s[0], ctx)] : undefined),
    kernel: (v, ctx) => [reinterpret(need(v[0], 'input'), flattened(need(v[0], 'input').dims, ctx))],
  },
  Squeeze: {
    shape: (s, v, ctx) => {
      const axes = axesOf(v, ctx, 1);
      return s[0] && axes !== undefined ? [squeezed(s[0], axes)] : undefined;
    },
    kernel: (v, ctx) => {
      const x = need(v[0], 'data');
      return [reinterpret(x, squeezed(x.dims, need(axesOf(v, ctx, 1), 'axes')))];
    },
  },
  Unsqueeze: {
    shape: (s, v, ctx) => {
      const axes = axesOf(v, ctx, 1);
      return s[0] && axes ? [unsqueezed(s[0], axes)] : undefined;
    },
    kernel: (v, ctx) => {
      const x = need(v[0], 'data');
      const axes = axesOf(v, ctx, 1);
      if (!axes) throw new GraphConflict('Unsqueeze has no axes');
      return [reinterpret(x, unsqueezed(x.dims, axes))];
    },
  },
  Expand: {
    shape: (s, v) => (s[0] && v[1] ? [expandedDims(s[0], integerList(v[1]))] : undefined),
    kernel: (v) => {
      const x = need(v[0], 'input');
      return [broadcastTo(x, expandedDims(x.dims, integerList(need(v[1], 'shape'))))];
    },
  },
  ConstantOfShape: {
    shape: (_s, v) => (v[0] ? [checkedDims(integerList(v[0]))] : undefined),
    kernel: (v, ctx) => {
      const fill = constantFill(ctx);
      const out = allocate(fill.dataType, checkedDims(integerList(need(v[0], 'shape'))));
      bitsOf(out.data).fill(bitsOf(fill.data)[0] as never);
      return [out];
    },
  },
  Range: {
    shape: (_s, v) => (v[0] && v[1] && v[2] ? [[rangeLength(v[0], v[1], v[2])]] : undefined),
    kernel: (v) => {
      const [s, l, d] = [need(v[0], 'start'), need(v[1], 'limit'), need(v[2], 'delta')];
      const n = rangeLength(s, l, d);
      const out = allocate(s.dataType, [n]);
      const data = out.data;
      if (data instanceof Float32Array || data instanceof Float64Array) {
        // ONNX Runtime accumulates in the element type (value += delta), not start + i * delta.
        let value = Number(s.data[0]);
        const delta = Number(d.data[0]);
        for (let i = 0; i < n; i++) {
          data[i] = value;
          value = data instanceof Float32Array ? Math.fround(value + delta) : value + delta;
        }
        return [out];
      }
      if (!INTEGER_TYPES.has(s.dataType)) return undefined;
      const [start, delta] = [s, d].map((t) => BigInt(t.data[0]!));
      for (let i = 0; i < n; i++) {
        const value = start! + BigInt(i) * delta!;
        if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = value;
        else data[i] = Number(value);
      }
      return [out];
    },
  },
};

function flattened(shape: readonly number[], ctx: KernelContext): number[] {
  const axis = getIntNumber(ctx.node, 'axis', 1);
  const a = axis < 0 ? axis + shape.length : axis;
  if (!(a >= 0 && a <= shape.length))
    throw new GraphConflict(`Flatten axis ${axis} is out of range for rank ${shape.length}`);
  return [product(shape.slice(0, a)), product(shape.slice(a))];
}

function checkedDims(dims: number[]): number[] {
  if (dims.some((d) => !(d >= 0) || !Number.isSafeInteger(d)))
    throw new GraphConflict(`shape [${dims.join(',')}] has a negative dim`);
  return dims;
}
