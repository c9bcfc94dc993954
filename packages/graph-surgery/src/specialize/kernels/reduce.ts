/**
 * Integer reductions (ReduceProd of a shape is an element count; ReduceSum, ReduceMax, ReduceMin), wrapping as
 * C++ integers do, and float ReduceMax/ReduceMin (exact; NaNs and zeros left to ONNX Runtime). Float sums,
 * products and means depend on the summation order, so they are never computed here.
 */
import { getIntNumber } from '../../graph/attributes.js';
import { DataType } from '../../onnx/types.js';
import { normalizeAxis } from '../conflict.js';
import { allocate, INTEGER_TYPES, product, type Tensor } from '../tensor.js';
import { stridesOf } from './indexing.js';
import { axesOf, type KernelContext, need, type OpRule, type Shapes, type Values } from './types.js';

/** The reduced axes, or undefined when they are given by a non-constant input. */
function reducedAxes(rank: number, values: Values, _shapes: Shapes, ctx: KernelContext): Set<number> | undefined {
  const axes = axesOf(values, ctx, 1);
  if (axes === undefined) return undefined;
  if (axes === null || axes.length === 0) {
    if (getIntNumber(ctx.node, 'noop_with_empty_axes', 0) === 1) return new Set();
    return new Set(Array.from({ length: rank }, (_, i) => i));
  }
  return new Set(axes.map((a) => normalizeAxis(a, rank, 'reduction axis')));
}

function reducedDims(shape: readonly number[], axes: Set<number>, ctx: KernelContext): number[] {
  const keep = getIntNumber(ctx.node, 'keepdims', 1) === 1;
  return shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
}

type Fold<T> = (acc: T, v: T) => T;

function reduction(
  start: { big: bigint; num: number } | undefined,
  big: Fold<bigint>,
  num: Fold<number>,
  floats: boolean,
): OpRule {
  return {
    shape: (s, v, ctx) => {
      if (!s[0]) return undefined;
      const axes = reducedAxes(s[0].length, v, s, ctx);
      return axes ? [reducedDims(s[0], axes, ctx)] : undefined;
    },
    kernel: (values, ctx) => {
      const x = need(values[0], 'data');
      const isInt = INTEGER_TYPES.has(x.dataType);
      const isFloat = x.dataType === DataType.FLOAT || x.dataType === DataType.DOUBLE;
      if (!isInt && !(floats && isFloat)) return undefined;
      const data = x.data as ArrayLike<number | bigint>;
      if (isFloat) for (let i = 0; i < data.length; i++) if (data[i] === 0 || Number.isNaN(data[i])) return undefined;
      const axes = need(
        reducedAxes(
          x.dims.length,
          values,
          values.map((t) => t?.dims),
          ctx,
        ),
        'axes',
      );
      const outKeep = x.dims.map((d, i) => (axes.has(i) ? 1 : d));
      const out: Tensor = allocate(x.dataType, reducedDims(x.dims, axes, ctx));
      const n = product(outKeep);
      if (n === 0) return [out];
      if (product(x.dims) === 0) {
        if (!start) return undefined;
        const big64 = x.data instanceof BigInt64Array || x.data instanceof BigUint64Array;
        (out.data as unknown as (number | bigint)[]).fill(big64 ? start.big : start.num);
        return [out];
      }
      const inStrides = stridesOf(x.dims);
      const outStrides = stridesOf(outKeep);
      const seen = new Uint8Array(n);
      const acc = out.data as unknown as (number | bigint)[];
      for (let i = 0; i < data.length; i++) {
        let rest = i;
        let at = 0;
        for (let a = 0; a < x.dims.length; a++) {
          const c = Math.floor(rest / inStrides[a]!);
          rest -= c * inStrides[a]!;
          if (!axes.has(a)) at += c * outStrides[a]!;
        }
        const v = data[i]!;
        if (!seen[at]) {
          acc[at] = v;
          seen[at] = 1;
        } else acc[at] = typeof v === 'bigint' ? big(acc[at] as bigint, v) : num(acc[at] as number, v);
      }
      return [out];
    },
  };
}

export const REDUCE_OPS: Record<string, OpRule> = {
  ReduceProd: reduction(
    { big: 1n, num: 1 },
    (a, b) => a * b,
    (a, b) => Math.imul(a, b),
    false,
  ),
  ReduceSum: reduction(
    { big: 0n, num: 0 },
    (a, b) => a + b,
    (a, b) => a + b,
    false,
  ),
  ReduceMax: reduction(undefined, (a, b) => (a > b ? a : b), Math.max, true),
  ReduceMin: reduction(undefined, (a, b) => (a < b ? a : b), Math.min, true),
};
