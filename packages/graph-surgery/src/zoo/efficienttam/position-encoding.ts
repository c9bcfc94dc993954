/**
 * SAM 2's PositionEmbeddingSine (normalize=True, scale 2*pi, temperature 10000) traced from its Python body,
 * so the graph computes the encoding from the feature map's shape at run time (Range, Tile, Sin, Cos, Concat),
 * as the real export does, rather than storing it as a constant.
 */
import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder } from '../builder/module-builder.js';
import { dimsOf, reshape, shapeTensor, sizeOp, slice, transpose } from '../builder/shape-ops.js';

const INT64_MAX = 9223372036854775807n;

/** `torch.arange(1, n + 1, dtype=float32)` with n a 0-d INT64 tensor. */
function arangeFromOne(b: ModuleBuilder, n: string): string {
  const end = b.op1('Cast', [sizeOp(b, 'Add', n, 1)], { to: DataType.FLOAT });
  return b.op1('Range', [b.floatConstant(1), end, b.floatConstant(1)]);
}

/** `embed / (embed[last] + eps) * scale` along `axis` of a [B, H, W] map. */
function normalise(b: ModuleBuilder, embed: string, axis: number): string {
  const last = b.op1('Slice', [embed, b.constant([-1]), b.constant([INT64_MAX]), b.constant([axis]), b.constant([1])]);
  const denom = b.op1('Add', [last, b.floatConstant(1e-6)]);
  return b.op1('Mul', [b.op1('Div', [embed, denom]), b.floatConstant(2 * Math.PI)]);
}

/** stack((pos[..., 0::2].sin(), pos[..., 1::2].cos()), dim=4).flatten(3) for pos [B, H, W, F]. */
function sinCosInterleave(b: ModuleBuilder, pos: string, batch: string, h: string, w: string): string {
  const sin = b.op1('Sin', [slice(b, pos, 3, 0, Number.MAX_SAFE_INTEGER, 2)]);
  const cos = b.op1('Cos', [slice(b, pos, 3, 1, Number.MAX_SAFE_INTEGER, 2)]);
  const stacked = b.op1(
    'Concat',
    [b.op1('Unsqueeze', [sin, b.constant([4])]), b.op1('Unsqueeze', [cos, b.constant([4])])],
    {
      axis: 4,
    },
  );
  return reshape(b, stacked, [batch, h, w, -1]);
}

/**
 * Sine position encoding of a [B, C, H, W] feature map: returns [B, channels, H, W] (channels/2 for y, then x).
 * Opens the scope `name` (e.g. `position_encoding`).
 */
export function sinePositionEncoding(b: ModuleBuilder, x: string, channels: number, name: string): string {
  return b.scope(name, () => {
    const numPosFeats = channels / 2;
    const [batch, h, w] = dimsOf(b, x, [0, 2, 3]);
    const yRange = reshape(b, arangeFromOne(b, h!), [1, -1, 1]);
    const yEmbed = b.op1('Tile', [yRange, shapeTensor(b, [batch!, 1, w!])]);
    const xRange = reshape(b, arangeFromOne(b, w!), [1, 1, -1]);
    const xEmbed = b.op1('Tile', [xRange, shapeTensor(b, [batch!, h!, 1])]);
    // dim_t = temperature ** (2 * (i // 2) / num_pos_feats): a constant after torch's constant folding.
    const dimT = Float32Array.from({ length: numPosFeats }, (_, i) => 10000 ** ((2 * Math.floor(i / 2)) / numPosFeats));
    const dimTensor = b.constant({ dims: [numPosFeats], values: dimT }, DataType.FLOAT);
    const posX = b.op1('Div', [b.op1('Unsqueeze', [normalise(b, xEmbed, 2), b.constant([3])]), dimTensor]);
    const posY = b.op1('Div', [b.op1('Unsqueeze', [normalise(b, yEmbed, 1), b.constant([3])]), dimTensor]);
    const pos = b.op1(
      'Concat',
      [sinCosInterleave(b, posY, batch!, h!, w!), sinCosInterleave(b, posX, batch!, h!, w!)],
      { axis: 3 },
    );
    return transpose(b, pos, [0, 3, 1, 2]);
  });
}
