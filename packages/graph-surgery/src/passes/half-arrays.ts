/**
 * Bulk FP16 conversions for whole weight tensors. Same rounding as onnx/float-bits.ts (nearest even,
 * subnormals, Inf, NaN kept NaN) but reading the float32 bits straight from the array and decoding through a
 * 64 Ki-entry table: converting a 6M-parameter encoder this way takes tens of milliseconds, not a second.
 */
import { float16BitsToFloat32, float32BitsToFloat16Bits } from '../onnx/float-bits.js';

let decodeTable: Float32Array | undefined;

/** float16 bit pattern -> float32 value, for every pattern. */
function halfTable(): Float32Array {
  if (!decodeTable) {
    decodeTable = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) decodeTable[b] = float16BitsToFloat32(b);
  }
  return decodeTable;
}

const halfBitsOf = float32BitsToFloat16Bits;

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
