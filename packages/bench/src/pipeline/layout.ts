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

/**
 * out[j, i] = src[i, j] for a rows x cols matrix, in cache-sized tiles (a plain loop strides through memory).
 * Inside a tile, reads run along rows of a wide matrix and writes along rows of the output for a tall one:
 * the other orders measured 2x slower for the [1024,256] case here (power-of-two strides alias in the cache).
 */
function transposeTiled(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const jEnd = Math.min(j0 + TILE, cols);
      if (rows <= cols) {
        for (let i = i0; i < iEnd; i += 1) {
          const from = i * cols;
          for (let j = j0; j < jEnd; j += 1) out[j * rows + i] = src[from + j]!;
        }
      } else {
        for (let j = j0; j < jEnd; j += 1) {
          const to = j * rows;
          for (let i = i0; i < iEnd; i += 1) out[to + i] = src[i * cols + j]!;
        }
      }
    }
  }
}

function checkSizes(src: Float32Array, out: Float32Array, expected: number): void {
  if (src.length < expected || out.length < expected) {
    throw new RangeError(`layout: need ${expected} elements, got src ${src.length} and out ${out.length}`);
  }
}
