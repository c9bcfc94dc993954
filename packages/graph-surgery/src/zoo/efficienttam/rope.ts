/**
 * SAM 2's axial rotary position encoding (RoPE) in real arithmetic, as ONNX exports need it (torch's complex
 * `view_as_complex` does not export): the cos/sin tables are initializers shared by every attention module, and
 * each rotated tensor goes Reshape(.., d/2, 2) -> Gather(0|1) -> Mul/Sub/Add -> Unsqueeze -> Concat -> Reshape.
 */

import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, reshape } from '../builder/shape-ops.js';

/** The two tables of `compute_axial_cis(dim, endX, endY, theta)`: cos and sin, each [endX * endY, dim / 2]. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
  tokens: number;
  /** dim / 2: the number of rotated pairs per token. */
  pairs: number;
}

/**
 * Computes SAM 2's axial RoPE angles: token t sits at x = t % endX, y = floor(t / endX); the first dim/4 pairs
 * rotate with x, the last dim/4 with y, at frequencies theta^(-4i/dim). Computed in float32 steps like torch.
 */
export function computeAxialRopeTables(dim: number, endX: number, endY: number, theta: number): RopeTables {
  const quarter = dim / 4;
  const pairs = dim / 2;
  const tokens = endX * endY;
  const freqs = new Float32Array(quarter);
  for (let i = 0; i < quarter; i++) freqs[i] = 1 / theta ** Math.fround((4 * i) / dim);
  const cos = new Float32Array(tokens * pairs);
  const sin = new Float32Array(tokens * pairs);
  for (let t = 0; t < tokens; t++) {
    const x = t % endX;
    const y = Math.floor(t / endX);
    for (let i = 0; i < quarter; i++) {
      const ax = Math.fround(x * freqs[i]!);
      const ay = Math.fround(y * freqs[i]!);
      cos[t * pairs + i] = Math.cos(ax);
      sin[t * pairs + i] = Math.sin(ax);
      cos[t * pairs + quarter + i] = Math.cos(ay);
      sin[t * pairs + quarter + i] = Math.sin(ay);
    }
  }
  return { cos, sin, tokens, pairs };
}

/** Initializer names of the shared tables inside one graph. */
export interface RopeTableNames {
  cos: string;
  sin: string;
}

/**
 * `apply_rotary_enc` on one tensor x [B, heads, N, d]: pairs (x[2i], x[2i+1]) rotate as complex numbers by the
 * token's angles. With `repeat` (RoPEAttention's `rope_k_repeat`, keys spanning several memory frames) N is a
 * multiple of the table's token count and the tables repeat per frame: x is viewed as [B, heads, frames, tokens,
 * d/2, 2] so the tables broadcast instead of being tiled.
 */
export function applyRotary(
  b: ModuleBuilder,
  x: string,
  tables: RopeTableNames,
  geometry: { tokens: number; pairs: number },
  repeat = false,
): string {
  const exportStyle = b.style === 'export';
  // apply_rotary_enc works on x.float() and returns .type_as(x): Casts to FLOAT the exporter keeps.
  const input = exportStyle ? b.op1('Cast', [x], { to: DataType.FLOAT }) : x;
  const [batch, heads, tokens] = dimsOf(b, input, [0, 1, 2]);
  const pairs = repeat
    ? reshape(b, input, [batch!, heads!, -1, geometry.tokens, geometry.pairs, 2])
    : reshape(b, input, [batch!, heads!, tokens!, geometry.pairs, 2]);
  const real = b.op1('Gather', [pairs, b.constant(0)], { axis: -1 });
  const imag = b.op1('Gather', [pairs, b.constant(1)], { axis: -1 });
  const outReal = b.op1('Sub', [b.op1('Mul', [real, tables.cos]), b.op1('Mul', [imag, tables.sin])]);
  const outImag = b.op1('Add', [b.op1('Mul', [real, tables.sin]), b.op1('Mul', [imag, tables.cos])]);
  const stacked = b.op1(
    'Concat',
    [b.op1('Unsqueeze', [outReal, b.constant([-1])]), b.op1('Unsqueeze', [outImag, b.constant([-1])])],
    { axis: -1 },
  );
  // flatten(3): back to [B, heads, N, d].
  const flat = reshape(b, stacked, [batch!, heads!, tokens!, -1]);
  return exportStyle ? b.op1('Cast', [flat], { to: DataType.FLOAT }) : flat;
}
