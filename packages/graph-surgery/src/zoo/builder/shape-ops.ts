/**
 * The shape arithmetic a TorchScript export emits for dynamic sizes: every `x.shape[i]` becomes
 * Shape -> Gather(Constant i) giving a 0-d INT64, and every `reshape`/`view` with such sizes becomes
 * Unsqueeze(Constant [0]) per dynamic size, a 1-d Constant per literal size, Concat(axis 0) and Reshape.
 * This is ~40% of the nodes of a real export; passes and shape tools must cope with it.
 */
import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder } from './module-builder.js';

/** A size in a shape list: a literal (becomes a 1-d Constant) or a 0-d INT64 tensor name (gets unsqueezed). */
export type SizePart = number | string;

/**
 * `x.shape[axis]` as a 0-d INT64 tensor (Shape -> Gather with a Constant index), the way torch traces it. In the
 * export style one access per tensor and axis survives the exporter's CSE; negative axes count from the end and
 * are passed as the caller wrote them (the key is the tensor and the axis as given).
 */
export function dimOf(b: ModuleBuilder, x: string, axis: number): string {
  return b.shared(`size|${x}|${axis}`, () => {
    const shape = b.op1('Shape', [x]);
    return b.op1('Gather', [shape, b.constant(axis)], { axis: 0 });
  });
}

/** Several `x.shape[i]`, each traced separately as torch does (one Shape per access). */
export function dimsOf(b: ModuleBuilder, x: string, axes: readonly number[]): string[] {
  return axes.map((axis) => dimOf(b, x, axis));
}

/** Arithmetic on 0-d INT64 sizes (`H * W`, `H + pad`, `H // ws`): one node with a Constant for literals. */
export function sizeOp(b: ModuleBuilder, op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Mod', a: SizePart, c: SizePart): string {
  return b.shared(`${op}|${partKey(a)}|${partKey(c)}`, () => {
    const lhs = typeof a === 'number' ? b.constant(a) : a;
    const rhs = typeof c === 'number' ? b.constant(c) : c;
    return b.op1(op, [lhs, rhs]);
  });
}

/**
 * `a // c` on sizes. torch's TorchScript exporter writes integer floor division (`aten::floor_divide`) as
 * Div -> Cast(INT64) -> Cast(INT64) (its `_trunc_divide`); the clean style writes the bare Div.
 */
export function floorDiv(b: ModuleBuilder, a: SizePart, c: SizePart): string {
  if (b.style !== 'export') return sizeOp(b, 'Div', a, c);
  return b.shared(`floordiv|${partKey(a)}|${partKey(c)}`, () => {
    const lhs = typeof a === 'number' ? b.constant(a) : a;
    const rhs = typeof c === 'number' ? b.constant(c) : c;
    const quotient = b.op1('Cast', [b.op1('Div', [lhs, rhs])], { to: DataType.INT64 });
    return b.op1('Cast', [quotient], { to: DataType.INT64 });
  });
}

const partKey = (p: SizePart) => (typeof p === 'number' ? `#${p}` : p);

/** A 1-d INT64 shape tensor from sizes: Unsqueeze each dynamic size, a Constant per literal, then Concat. */
export function shapeTensor(b: ModuleBuilder, parts: readonly SizePart[]): string {
  const pieces = parts.map((p) => (typeof p === 'number' ? b.constant([p]) : b.op1('Unsqueeze', [p, b.constant([0])])));
  return b.op1('Concat', pieces, { axis: 0 });
}

/** `x.reshape(parts...)` with dynamic sizes. Literal-only shapes still go through Concat as torch emits them when any size is traced; pass all numbers to get a single Constant shape. */
export function reshape(b: ModuleBuilder, x: string, parts: readonly SizePart[]): string {
  const shape = parts.every((p) => typeof p === 'number') ? b.constant(parts as number[]) : shapeTensor(b, parts);
  return b.op1('Reshape', [x, shape]);
}

/** `x.permute(perm)`. */
export function transpose(b: ModuleBuilder, x: string, perm: readonly number[]): string {
  return b.op1('Transpose', [x], { perm: [...perm] });
}

/** `x[..., start:end]` on `axis` (opset-13 Slice with Constant starts/ends/axes/steps). */
export function slice(b: ModuleBuilder, x: string, axis: number, start: SizePart, end: SizePart, step = 1): string {
  const toTensor = (p: SizePart) =>
    typeof p === 'number' ? b.constant([p]) : b.op1('Unsqueeze', [p, b.constant([0])]);
  return b.op1('Slice', [x, toTensor(start), toTensor(end), b.constant([axis]), b.constant([step])]);
}

/**
 * `x.reshape(B, N, heads, -1).permute(0, 2, 1, 3)` for x [B, N, C] -> [B, heads, N, C/heads], with B and N
 * read from x at run time.
 */
export function splitHeads(b: ModuleBuilder, x: string, heads: number): string {
  const [batch, tokens] = dimsOf(b, x, [0, 1]);
  return transpose(b, reshape(b, x, [batch!, tokens!, heads, -1]), [0, 2, 1, 3]);
}

/** `x.transpose(1, 2).reshape(B, N, -1)` for x [B, heads, N, d] -> [B, N, heads*d]. */
export function mergeHeads(b: ModuleBuilder, x: string): string {
  const [batch, tokens] = dimsOf(b, x, [0, 2]);
  const t = transpose(b, x, [0, 2, 1, 3]);
  return reshape(b, t, [batch!, tokens!, -1]);
}
