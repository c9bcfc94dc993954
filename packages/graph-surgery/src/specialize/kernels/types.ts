/** The contract of the rules the specialisation evaluates nodes with: shapes for any node, values for constants. */
import { getAttribute } from '../../graph/attributes.js';
import type { NodeProto } from '../../onnx/types.js';
import { GraphConflict } from '../conflict.js';
import { integersOf, type Tensor } from '../tensor.js';

export interface KernelContext {
  node: NodeProto;
  /** The model's default-domain opset (input/attribute forms differ across opsets). */
  opset: number;
}

/** Shapes of a node's inputs (undefined where unknown or omitted). */
export type Shapes = readonly (readonly number[] | undefined)[];
/** Values of a node's inputs (undefined where not constant or omitted). */
export type Values = readonly (Tensor | undefined)[];

/**
 * Output shapes from input shapes and whatever input values are known (a Reshape's target, a Slice's starts).
 * Returns undefined where it cannot tell; throws `GraphConflict` when the inputs make the node invalid.
 */
export type ShapeRule = (shapes: Shapes, values: Values, ctx: KernelContext) => (number[] | undefined)[] | undefined;

/**
 * Outputs from constant inputs, computed exactly as ONNX Runtime's CPU provider computes them. Returns
 * undefined when it cannot be sure of that (an element type or a case it does not handle): the node is then
 * left to ONNX Runtime or kept. Throws `GraphConflict` for invalid inputs.
 */
export type Kernel = (values: Values, ctx: KernelContext) => Tensor[] | undefined;

/** What the specialisation knows about one op. */
export interface OpRule {
  shape: ShapeRule;
  /** Exact evaluation when every input is constant. */
  kernel?: Kernel;
  /** Outputs that follow from the input shapes alone (Shape, Size), even when the inputs are not constant. */
  fromShapes?: (shapes: Shapes, ctx: KernelContext) => Tensor[] | undefined;
}

/** The attribute's ints as numbers, or undefined when absent. */
export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = getAttribute(node, name);
  return a ? a.ints.map(Number) : undefined;
}

/** Integer values of `tensor` as numbers (INT64_MAX-like sentinels become large numbers, fine for clamping). */
export function integerList(tensor: Tensor): number[] {
  return integersOf(tensor).map(Number);
}

/** Axes given as an attribute (older opsets) or as input `index` (newer); null when neither is given, undefined when the input is not constant. */
export function axesOf(values: Values, ctx: KernelContext, index: number): number[] | null | undefined {
  const attr = intsAttribute(ctx.node, 'axes');
  if (attr) return attr;
  if (!ctx.node.input[index]) return null;
  const t = values[index];
  return t ? integerList(t) : undefined;
}

/** The first input's shape as output shape (elementwise unary ops, Identity, Cast). */
export const sameShape: ShapeRule = (shapes) => [shapes[0] ? [...shapes[0]] : undefined];

/** An input every rule of the op needs. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new GraphConflict(`${what} is missing`);
  return value;
}
