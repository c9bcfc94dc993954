/**
 * SAM 2's PositionEmbeddingSine (normalize=True, scale 2*pi, temperature 10000) traced from its Python body,
 * so the graph computes the encoding from the feature map's shape at run time (Range, Tile, Sin, Cos, Concat),
 * as the real export does, rather than storing it as a constant.
 */
import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, reshape, type SizePart, shapeTensor, sizeOp, slice, transpose } from '../builder/shape-ops.js';
import { fillValue, flattenRange } from '../builder/torch-idioms.js';

const INT64_MAX = 9223372036854775807n;

/** `torch.arange(1, n + 1, dtype=float32)` with n a traced 0-d INT64 size. */
function arangeFromOne(b: ModuleBuilder, n: string): string {
  const end = b.op1('Cast', [sizeOp(b, 'Add', n, 1)], { to: DataType.FLOAT });
  return b.op1('Range', [b.floatConstant(1), end, b.floatConstant(1)]);
}

/**
 * `x.repeat(sizes)`. The exporter's opset-9 symbolic (the one opset 17 resolves to) first expands x by
 * `ones_like(sizes)` (Shape -> ConstantOfShape -> Expand, a no-op broadcast), then tiles; the clean style tiles.
 */
export function repeat(b: ModuleBuilder, x: string, sizes: string, constantRank?: number): string {
  if (b.style !== 'export') return b.op1('Tile', [x, sizes]);
  // Shape() of constant sizes is folded by the exporter; of traced ones it stays.
  const rank = constantRank === undefined ? b.op1('Shape', [sizes]) : b.constant([constantRank]);
  const ones = b.op1('ConstantOfShape', [rank], { value: fillValue(1, DataType.INT64) });
  return b.op1('Tile', [b.op1('Expand', [x, ones]), sizes]);
}

/** `embed / (embed[last] + eps) * scale` along `axis` of a [B, H, W] map. */
function normalise(b: ModuleBuilder, embed: string, axis: number): string {
  const last = b.op1('Slice', [embed, b.constant([-1]), b.constant([INT64_MAX]), b.constant([axis]), b.constant([1])]);
  const denom = b.op1('Add', [last, b.floatConstant(1e-6)]);
  return b.op1('Mul', [b.op1('Div', [embed, denom]), b.floatConstant(2 * Math.PI)]);
}

/** stack((pos[..., 0::2].sin(), pos[..., 1::2].cos()), dim=4).flatten(3) for pos [B, H, W, F]. */
function sinCosInterleave(b: ModuleBuilder, pos: string, batch: SizePart, h: SizePart, w: SizePart): string {
  const sin = b.op1('Sin', [slice(b, pos, 3, 0, Number.MAX_SAFE_INTEGER, 2)]);
  const cos = b.op1('Cos', [slice(b, pos, 3, 1, Number.MAX_SAFE_INTEGER, 2)]);
  const stacked = b.op1(
    'Concat',
    [b.op1('Unsqueeze', [sin, b.constant([4])]), b.op1('Unsqueeze', [cos, b.constant([4])])],
    {
      axis: 4,
    },
  );
  return typeof batch === 'number' ? flattenRange(b, stacked, 5, 3, 4) : reshape(b, stacked, [batch, h, w, -1]);
}

/**
 * Sine position encoding of a [B, C, H, W] feature map: returns [B, channels, H, W] (channels/2 for y, then x).
 * Opens the scope `name` (e.g. `position_encoding`). With `staticSize` ([B, H, W], export style only) the sizes
 * are the constants the exporter saw when nothing in the module made a shape dynamic (the reference
 * memory_encoder): the aranges fold to constants, and what stays is the repeat, normalisation, sin/cos and the
 * `.to(dtype)` Cast.
 */
export function sinePositionEncoding(
  b: ModuleBuilder,
  x: string,
  channels: number,
  name: string,
  staticSize?: readonly [number, number, number],
): string {
  return b.scope(name, () => {
    const numPosFeats = channels / 2;
    const fixed = b.style === 'export' ? staticSize : undefined;
    let batch: SizePart;
    let h: SizePart;
    let w: SizePart;
    let xEmbed: string;
    let yEmbed: string;
    if (fixed) {
      [batch, h, w] = fixed;
      const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);
      const yRange = b.constant({ dims: [1, h, 1], values: ramp(h) }, DataType.FLOAT);
      yEmbed = repeat(b, yRange, b.constant([batch, 1, w]), 3);
      const xRange = b.constant({ dims: [1, 1, w], values: ramp(w) }, DataType.FLOAT);
      xEmbed = repeat(b, xRange, b.constant([batch, h, 1]), 3);
    } else {
      const dims = dimsOf(b, x, [0, 2, 3]);
      [batch, h, w] = [dims[0]!, dims[1]!, dims[2]!];
      const yRange = reshape(b, arangeFromOne(b, h), [1, -1, 1]);
      yEmbed = repeat(b, yRange, shapeTensor(b, [batch, 1, w]));
      const xRange = reshape(b, arangeFromOne(b, w), [1, 1, -1]);
      xEmbed = repeat(b, xRange, shapeTensor(b, [batch, h, 1]));
    }
    // dim_t = temperature ** (2 * (i // 2) / num_pos_feats): a constant after torch's constant folding.
    const dimT = Float32Array.from({ length: numPosFeats }, (_, i) => 10000 ** ((2 * Math.floor(i / 2)) / numPosFeats));
    const dimTensor = b.constant({ dims: [numPosFeats], values: dimT }, DataType.FLOAT);
    const posX = b.op1('Div', [b.op1('Unsqueeze', [normalise(b, xEmbed, 2), b.constant([3])]), dimTensor]);
    const posY = b.op1('Div', [b.op1('Unsqueeze', [normalise(b, yEmbed, 1), b.constant([3])]), dimTensor]);
    const pos = b.op1('Concat', [sinCosInterleave(b, posY, batch, h, w), sinCosInterleave(b, posX, batch, h, w)], {
      axis: 3,
    });
    const permuted = transpose(b, pos, [0, 3, 1, 2]);
    return fixed ? b.op1('Cast', [permuted], { to: DataType.FLOAT }) : permuted;
  });
}
