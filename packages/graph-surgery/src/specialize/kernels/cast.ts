/**
 * Cast and CastLike as ONNX Runtime's CPU provider computes them (C++ static_cast): floats to integers truncate,
 * integers wrap, FLOAT16/BFLOAT16 round to nearest even from float32 (a DOUBLE or an integer goes through
 * float32 first, as the provider does). Cases whose result C++ leaves undefined (NaN or out-of-range floats to
 * integers) and NaN payloads are not computed here.
 */
import { getInt } from '../../graph/attributes.js';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from '../../onnx/float-bits.js';
import { DataType } from '../../onnx/types.js';
import { allocate, isSupportedType, type Tensor } from '../tensor.js';
import { need, type OpRule, sameShape } from './types.js';

const INT_RANGE: Partial<Record<number, [number, number]>> = {
  [DataType.INT8]: [-128, 127],
  [DataType.UINT8]: [0, 255],
  [DataType.INT16]: [-32768, 32767],
  [DataType.UINT16]: [0, 65535],
  [DataType.INT32]: [-(2 ** 31), 2 ** 31 - 1],
  [DataType.UINT32]: [0, 2 ** 32 - 1],
};
const BIG_RANGE: Partial<Record<number, [bigint, bigint]>> = {
  [DataType.INT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [DataType.UINT64]: [0n, 2n ** 64n - 1n],
};
const BITS: Partial<Record<number, [number, boolean]>> = {
  [DataType.INT8]: [8, true],
  [DataType.UINT8]: [8, false],
  [DataType.INT16]: [16, true],
  [DataType.UINT16]: [16, false],
  [DataType.INT32]: [32, true],
  [DataType.UINT32]: [32, false],
};

const isBig = (t: number) => t === DataType.INT64 || t === DataType.UINT64;
const isFloat = (t: number) =>
  t === DataType.FLOAT || t === DataType.DOUBLE || t === DataType.FLOAT16 || t === DataType.BFLOAT16;

/** Source element `i` as a number (floats decoded) or a bigint (64-bit integers). */
function reader(x: Tensor): (i: number) => number | bigint {
  const d = x.data;
  if (x.dataType === DataType.FLOAT16) return (i) => float16BitsToFloat32((d as Uint16Array)[i]!);
  if (x.dataType === DataType.BFLOAT16) return (i) => bfloat16BitsToFloat32((d as Uint16Array)[i]!);
  return (i) => d[i]!;
}

/** Converts one value to the target's storage, or undefined when the result is not defined exactly. */
function converter(from: number, to: number): ((v: number | bigint) => number | bigint | undefined) | undefined {
  const viaFloat32 = (v: number | bigint): number | undefined => {
    if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Math.fround(Number(v)) : undefined;
    return Math.fround(v);
  };
  switch (to) {
    case DataType.BOOL:
      return (v) => (typeof v === 'bigint' ? Number(v !== 0n) : Number(v !== 0));
    case DataType.FLOAT:
      return (v) => {
        const f = viaFloat32(v);
        return f === undefined || Number.isNaN(f) ? undefined : f;
      };
    case DataType.DOUBLE:
      return (v) => (typeof v === 'bigint' ? Number(v) : Number.isNaN(v) ? undefined : v);
    case DataType.FLOAT16:
    case DataType.BFLOAT16: {
      const toBits = to === DataType.FLOAT16 ? float32ToFloat16Bits : float32ToBfloat16Bits;
      return (v) => {
        const f = viaFloat32(v);
        return f === undefined || Number.isNaN(f) ? undefined : toBits(f);
      };
    }
    case DataType.INT64:
    case DataType.UINT64: {
      const [lo, hi] = BIG_RANGE[to]!;
      if (isFloat(from))
        return (v) => {
          const t = Math.trunc(v as number);
          if (!Number.isFinite(t)) return undefined;
          const b = BigInt(t);
          return b >= lo && b <= hi ? b : undefined;
        };
      return (v) => (typeof v === 'bigint' ? v : BigInt(v));
    }
    default: {
      const range = INT_RANGE[to];
      const bits = BITS[to];
      if (!range || !bits) return undefined;
      if (isFloat(from))
        return (v) => {
          const t = Math.trunc(v as number);
          return t >= range[0] && t <= range[1] ? t : undefined;
        };
      return (v) =>
        typeof v === 'bigint' ? Number(bits[1] ? BigInt.asIntN(bits[0], v) : BigInt.asUintN(bits[0], v)) : v;
    }
  }
}

function cast(x: Tensor, to: number): Tensor | undefined {
  if (!isSupportedType(to)) return undefined;
  if (to === x.dataType) return x;
  const convert = converter(x.dataType, to);
  if (!convert) return undefined;
  const out = allocate(to, x.dims);
  const read = reader(x);
  const o = out.data;
  for (let i = 0; i < o.length; i++) {
    const v = convert(read(i));
    if (v === undefined) return undefined;
    (o as unknown as (number | bigint)[])[i] = isBig(to) ? BigInt(v) : Number(v);
  }
  return out;
}

export const CAST_OPS: Record<string, OpRule> = {
  Cast: {
    shape: sameShape,
    kernel: (values, ctx) => {
      const out = cast(need(values[0], 'input'), Number(getInt(ctx.node, 'to', DataType.FLOAT)));
      return out ? [out] : undefined;
    },
  },
  CastLike: {
    shape: sameShape,
    kernel: (values) => {
      const out = cast(need(values[0], 'input'), need(values[1], 'target_type').dataType);
      return out ? [out] : undefined;
    },
  },
};
