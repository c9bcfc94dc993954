/** The bakes' operations computed in TypeScript, to check the baked graphs against. */

/**
 * Bilinear resize of NCHW data with half-pixel centres and edge clamping (F.interpolate, align_corners=False).
 * The scale is a float32 (out/in) and source coordinates are float32, as ONNX Resize defines them.
 */
export function resizeBilinear(data: ArrayLike<number>, dims: number[], size: [number, number]): Float32Array {
  const [n, c, h, w] = dims as [number, number, number, number];
  const [oh, ow] = size;
  const out = new Float32Array(n * c * oh * ow);
  const axis = (o: number, inSize: number, outSize: number) => {
    const f = Math.fround;
    const x = Math.min(Math.max(f(f((o + 0.5) / f(outSize / inSize)) - 0.5), 0), inSize - 1);
    const lo = Math.floor(x);
    return { lo, hi: Math.min(lo + 1, inSize - 1), t: x - lo };
  };
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < oh; y++) {
      const ay = axis(y, h, oh);
      for (let x = 0; x < ow; x++) {
        const ax = axis(x, w, ow);
        const at = (yy: number, xx: number) => data[p * h * w + yy * w + xx]!;
        const top = at(ay.lo, ax.lo) * (1 - ax.t) + at(ay.lo, ax.hi) * ax.t;
        const bottom = at(ay.hi, ax.lo) * (1 - ax.t) + at(ay.hi, ax.hi) * ax.t;
        out[p * oh * ow + y * ow + x] = top * (1 - ay.t) + bottom * ay.t;
      }
    }
  }
  return out;
}

/**
 * Boxes [x, y, w, h] per mask from NCHW logits: foreground = logit > threshold; a low-res pixel i covers frame
 * pixels [i*s, (i+1)*s - 1]; [0,0,0,0] for an empty mask. float32 arithmetic, as the graph does it.
 */
export function boxesFromLogits(
  data: ArrayLike<number>,
  dims: number[],
  frame: [number, number],
  threshold = 0,
): Float32Array {
  const [n, c, h, w] = dims as [number, number, number, number];
  const f = Math.fround;
  const sy = f(frame[0] / h);
  const sx = f(frame[1] / w);
  const out = new Float32Array(n * c * 4);
  for (let p = 0; p < n * c; p++) {
    let x0 = Infinity;
    let x1 = -1;
    let y0 = Infinity;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!(data[p * h * w + y * w + x]! > threshold)) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    if (x1 < 0) continue;
    const xmin = f(x0 * sx);
    const ymin = f(y0 * sy);
    out.set([xmin, ymin, f(f(f(f(x1 + 1) * sx) - 1) - xmin), f(f(f(f(y1 + 1) * sy) - 1) - ymin)], p * 4);
  }
  return out;
}

/** (B, T, C) data -> (T, B, C). */
export function batchFirstToSequenceFirst(data: ArrayLike<number>, [b, t, c]: [number, number, number]): Float32Array {
  const out = new Float32Array(b * t * c);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < t; j++) for (let k = 0; k < c; k++) out[(j * b + i) * c + k] = data[(i * t + j) * c + k]!;
  return out;
}

/** uint8 HWC RGB frame -> float NCHW, /255, (x - mean) / std (float32 steps, as the graph does them). */
export function normalizeFrame(
  frame: ArrayLike<number>,
  [h, w]: [number, number],
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(3 * h * w);
  for (let ch = 0; ch < 3; ch++) {
    for (let i = 0; i < h * w; i++)
      out[ch * h * w + i] = f(f(f(frame[i * 3 + ch]! / 255) - f(mean[ch]!)) / f(std[ch]!));
  }
  return out;
}

/** uint8 HWC frame -> float CHW values (no scaling), for resizing before normalisation. */
export function frameToChw(frame: ArrayLike<number>, [h, w]: [number, number]): Float32Array {
  const out = new Float32Array(3 * h * w);
  for (let ch = 0; ch < 3; ch++) for (let i = 0; i < h * w; i++) out[ch * h * w + i] = frame[i * 3 + ch]!;
  return out;
}

/** Normalises float NCHW values in 0..255 (after a resize). */
export function normalizeChw(
  data: ArrayLike<number>,
  hw: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const f = Math.fround;
  return Float32Array.from(data, (v, i) => {
    const ch = Math.floor(i / hw);
    return f(f(f(v / 255) - f(mean[ch]!)) / f(std[ch]!));
  });
}
