/**
 * Bulk FP16 conversions for whole weight tensors. Same rounding as onnx/float-bits.ts (nearest even,
 * subnormals, Inf, NaN kept NaN) but reading the float32 bits straight from the array and decoding through a
 * 64 Ki-entry table: converting a 6M-parameter encoder this way takes tens of milliseconds, not a second.
 */
import { float16BitsToFloat32 } from '../onnx/float-bits.js';

let decodeTable: Float32Array | undefined;

/** float16 bit pattern -> float32 value, for every pattern. */
function halfTable(): Float32Array {
  if (!decodeTable) {
    decodeTable = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) decodeTable[b] = float16BitsToFloat32(b);
  }
  return decodeTable;
}

function halfBitsOf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    const payload = mant >>> 13;
    return sign | 0x7c00 | (payload === 0 ? 0x200 : payload);
  }
  const e = exp - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1) === 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half);
}

/** FP16 bit patterns of float32 values. */
export function toHalfBits(values: Float32Array): Uint16Array {
  const aligned = values.byteOffset % 4 === 0 ? values : values.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length);
  const out = new Uint16Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = halfBitsOf(words[i]!);
  return out;
}

/** Rounds values in place as FP16 storage would; returns how many finite values became ±Inf. */
export function roundThroughHalf(values: Float32Array): number {
  const bits = toHalfBits(values);
  const table = halfTable();
  let overflowed = 0;
  for (let i = 0; i < values.length; i++) {
    const r = table[bits[i] ?? 0] ?? 0;
    const v = values[i] ?? 0;
    if (r !== v && !Number.isFinite(r) && Number.isFinite(v)) overflowed++;
    values[i] = r;
  }
  return overflowed;
}
