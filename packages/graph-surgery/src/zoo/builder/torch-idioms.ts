/**
 * PyTorch idioms as the TorchScript exporter (opset 17) lowers them, for the zoo's export style: each helper
 * emits the node sequence torch's symbolic functions produce for one Python expression, so that passes and
 * shape tools meet what a user's own export holds. Each returns what the expression evaluates to.
 */
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type TensorProto } from '../../onnx/types.js';
import type { ModuleBuilder } from './module-builder.js';
import { dimOf, shapeTensor, slice } from './shape-ops.js';

/** ConstantOfShape's `value` attribute: a one-element tensor (FLOAT unless told). */
export function fillValue(value: number, dataType: number = DataType.FLOAT): TensorProto {
  const tensor = makeTensor('', dataType, [1], dataType === DataType.INT64 ? [BigInt(value)] : [value]);
  delete tensor.name;
  return tensor;
}

/**
 * `x.expand(*sizes)` where sizes may hold -1 ("keep"): ONNX Expand has no -1, so the exporter turns -1 entries
 * into 1 (broadcast keeps the size) via ConstantOfShape -> Mul(-1) -> Equal -> Where.
 */
export function expandLikeTorch(b: ModuleBuilder, x: string, sizes: string): string {
  const ones = b.op1('ConstantOfShape', [b.op1('Shape', [sizes])], { value: fillValue(1, DataType.INT64) });
  const minusOnes = b.op1('Mul', [ones, b.constant(-1)]);
  const resolved = b.op1('Where', [b.op1('Equal', [sizes, minusOnes]), ones, sizes]);
  return b.op1('Expand', [x, resolved]);
}

/** `torch.zeros_like(x)`: ConstantOfShape of x's run-time shape. */
export function zerosLike(b: ModuleBuilder, x: string): string {
  return b.op1('ConstantOfShape', [b.op1('Shape', [x])], { value: fillValue(0) });
}

/** `torch.arange(n)` for a 0-d INT64 size n: the exporter casts the end to the result type, then Range. */
export function arange(b: ModuleBuilder, n: string): string {
  const end = b.op1('Cast', [n], { to: DataType.INT64 });
  return b.op1('Range', [b.constant(0), end, b.constant(1)]);
}

/**
 * `torch.flatten(x, start, end)` for a `rank`-d x with start > 0 or end < rank - 1, through torch's
 * `_flatten_helper`: the kept leading and trailing sizes sliced from Shape(x) around a -1.
 */
export function flattenRange(b: ModuleBuilder, x: string, rank: number, start: number, end: number): string {
  const shape = b.op1('Shape', [x]);
  const parts = [slice(b, shape, 0, 0, start), b.constant([-1])];
  if (end < rank - 1) parts.push(slice(b, shape, 0, end + 1, rank));
  return b.op1('Reshape', [x, b.op1('Concat', parts, { axis: 0 })]);
}

/**
 * `torch.repeat_interleave(x, repeats, dim)` with a traced scalar `repeats` (e.g. `tokens.shape[0]`), as torch's
 * `_repeat_interleave_single_value_repeat_helper` lowers it: a new axis after `dim`, tiled by a one-hot of the
 * repeat count, then folded back into `dim`.
 */
export function repeatInterleave(b: ModuleBuilder, x: string, rank: number, repeats: string, dim: number): string {
  const count = b.op1('Reshape', [repeats, b.constant([1])]);
  const unsqueezed = b.op1('Unsqueeze', [x, b.constant([dim + 1])]);
  const position = b.op1('Unsqueeze', [b.constant(dim + 1), b.constant([0])]);
  const onOff = b.op1('Concat', [b.constant([1]), count], { axis: 0 });
  const oneHot = b.op1('OneHot', [position, b.constant(rank + 1), onOff], { axis: -1 });
  const tiled = b.op1('Tile', [unsqueezed, flattenRange(b, oneHot, 2, 0, 1)]);
  return flattenRange(b, tiled, rank + 1, dim, dim + 1);
}

/**
 * `x[batch_inds, picked]` on x [B, K, C] with batch_inds = arange(B) and picked [B] (INT64): the exporter's
 * advanced indexing flattens the two indexed axes (an ONNX Flatten at axis 2) and gathers rows at
 * `batch * K + picked`.
 */
export function pickRows(b: ModuleBuilder, x: string, picked: string): string {
  const rows = dimOf(b, x, 1);
  const flat = b.op1('Flatten', [x], { axis: 2 });
  const index = b.op1('Add', [b.op1('Mul', [arange(b, dimOf(b, x, 0)), rows]), picked]);
  return b.op1('Gather', [flat, index], { axis: 0 });
}

/**
 * `x[:, :, channel] = value` on x [B, N, C] with value [B, N]: an in-place slice assignment, which the exporter
 * turns into index_put -> ScatterND with indices built from aranges over the leading axes, expanded to [B, N].
 */
export function assignChannel(b: ModuleBuilder, x: string, channel: number, value: string): string {
  const sizes = shapeTensor(b, [dimOf(b, x, 0), dimOf(b, x, 1)]);
  const batchIndex = expandLikeTorch(b, b.op1('Unsqueeze', [arange(b, dimOf(b, x, 0)), b.constant([1])]), sizes);
  const pointIndex = expandLikeTorch(b, b.op1('Unsqueeze', [arange(b, dimOf(b, x, 1)), b.constant([0])]), sizes);
  const channelIndex = b.op1('ConstantOfShape', [sizes], { value: fillValue(channel, DataType.INT64) });
  const indices = b.op1(
    'Concat',
    [batchIndex, pointIndex, channelIndex].map((t) => b.op1('Unsqueeze', [t, b.constant([-1])])),
    { axis: -1 },
  );
  return b.op1('ScatterND', [x, indices, value]);
}
