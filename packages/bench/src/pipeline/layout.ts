/**
 * In-place layout conversions between the NCHW maps the image modules use and the sequence-first token layout
 * ([HW, 1, C]) memory attention uses. Loops run over the destination contiguously so they stay cache-friendly.
 */

/** [1,C,H,W] (channel-major, `hw` = H*W) -> [HW,1,C] (token-major), written into `out`. */
export function chwToTokens(src: Float32Array, channels: number, hw: number, out: Float32Array): Float32Array {
  checkSizes(src, out, channels * hw);
  for (let t = 0; t < hw; t += 1) {
    const row = t * channels;
    for (let c = 0; c < channels; c += 1) out[row + c] = src[c * hw + t]!;
  }
  return out;
}

/** [HW,1,C] -> [1,C,H,W], written into `out`. */
export function tokensToChw(src: Float32Array, channels: number, hw: number, out: Float32Array): Float32Array {
  checkSizes(src, out, channels * hw);
  for (let c = 0; c < channels; c += 1) {
    const plane = c * hw;
    for (let t = 0; t < hw; t += 1) out[plane + t] = src[t * channels + c]!;
  }
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

function checkSizes(src: Float32Array, out: Float32Array, expected: number): void {
  if (src.length < expected || out.length < expected) {
    throw new RangeError(`layout: need ${expected} elements, got src ${src.length} and out ${out.length}`);
  }
}
