/**
 * Bulk 16-bit float conversions for whole weight tensors (FP16 and BF16). Same rounding as onnx/float-bits.ts
 * (nearest even, subnormals, Inf, NaN kept NaN) but reading the float32 bits straight from the array and
 * decoding through a 64 Ki-entry table: converting a 6M-parameter encoder this way takes tens of milliseconds,
 * not a second.
 */
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32BitsToBfloat16Bits,
  float32BitsToFloat16Bits,
} from '../../onnx/float-bits.js';
import { DataType } from '../../onnx/types.js';

/** The 16-bit float element types the precision passes produce. */
export type LowFloatType = typeof DataType.FLOAT16 | typeof DataType.BFLOAT16;

interface Format {
  encode: (bits32: number) => number;
  decode: (bits16: number) => number;
  table?: Float32Array;
}

const FORMATS: Record<LowFloatType, Format> = {
  [DataType.FLOAT16]: { encode: float32BitsToFloat16Bits, decode: float16BitsToFloat32 },
  [DataType.BFLOAT16]: { encode: float32BitsToBfloat16Bits, decode: bfloat16BitsToFloat32 },
};

/** 16-bit pattern -> float32 value, for every pattern. */
function decodeTable(format: Format): Float32Array {
  if (!format.table) {
    format.table = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) format.table[b] = format.decode(b);
  }
  return format.table;
}

/** 16-bit float bit patterns (FLOAT16 by default, or BFLOAT16) of float32 values. */
export function toLowBits(values: Float32Array, type: LowFloatType = DataType.FLOAT16): Uint16Array {
  const encode = FORMATS[type].encode;
  const aligned = values.byteOffset % 4 === 0 ? values : values.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length);
  const out = new Uint16Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = encode(words[i]!);
  return out;
}

/** FP16 bit patterns of float32 values. */
export const toHalfBits = (values: Float32Array): Uint16Array => toLowBits(values, DataType.FLOAT16);

/**
 * Rounds values in place as 16-bit storage (FLOAT16 by default, or BFLOAT16) would; returns how many finite
 * values became ±Inf.
 */
export function roundThroughLow(values: Float32Array, type: LowFloatType = DataType.FLOAT16): number {
  const bits = toLowBits(values, type);
  const table = decodeTable(FORMATS[type]);
  let overflowed = 0;
  for (let i = 0; i < values.length; i++) {
    const r = table[bits[i] ?? 0] ?? 0;
    const v = values[i] ?? 0;
    if (r !== v && !Number.isFinite(r) && Number.isFinite(v)) overflowed++;
    values[i] = r;
  }
  return overflowed;
}

/** Rounds values in place as FP16 storage would; returns how many finite values became ±Inf. */
export const roundThroughHalf = (values: Float32Array): number => roundThroughLow(values, DataType.FLOAT16);
