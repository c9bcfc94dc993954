/**
 * Shape rules of the compute ops (linear algebra, convolution, pooling-free vision ops, normalisation,
 * resizing, reductions, activations) for the propagation of `specialize/propagate.ts`, which owns the shape
 * arithmetic ops (Shape, Gather, Concat, Reshape, Slice, Expand, elementwise, Cast, ...) and every value. A rule
 * reads the values of small constant inputs (Resize scales, Pad pads, reduction axes) from the lookup. Unknown
 * ops yield nothing.
 */
import { getAttribute, getIntNumber } from '../graph/attributes.js';
import type { NodeProto } from '../onnx/types.js';

/** What is known of a tensor: its shape and, for small constant tensors, their values. */
export interface TensorFacts {
  shape?: number[];
  /** Element values (row-major) when known and small; integers for integer tensors. */
  value?: number[];
}

/** Tensors with more elements than this do not carry values (values are for shape arithmetic only). */
export const MAX_VALUE_ELEMENTS = 4096;

/** The attribute's ints as numbers, if present. */
function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = getAttribute(node, name);
  return a?.ints.length ? a.ints.map(Number) : undefined;
}

type Lookup = (name: string) => TensorFacts | undefined;
type Facts = (TensorFacts | undefined)[];

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Numpy broadcasting of shapes. */
function broadcast(shapes: (number[] | undefined)[]): number[] | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s![s!.length - rank + i] ?? 1;
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

function convOutput(node: NodeProto, get: Lookup, transposed: boolean): TensorFacts | undefined {
  const x = get(node.input[0]!)?.shape;
  const w = get(node.input[1]!)?.shape;
  if (!x || !w) return undefined;
  const spatial = x.length - 2;
  const kernel = intsAttr(node, 'kernel_shape') ?? w.slice(2);
  const strides = intsAttr(node, 'strides') ?? kernel.map(() => 1);
  const dil = intsAttr(node, 'dilations') ?? kernel.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? new Array(2 * spatial).fill(0);
  const group = getIntNumber(node, 'group', 1);
  const autoPad = getAttribute(node, 'auto_pad')?.s;
  const mode = autoPad ? new TextDecoder().decode(autoPad) : 'NOTSET';
  const out = [x[0]!, transposed ? w[1]! * group : w[0]!];
  const explicit = intsAttr(node, 'output_shape');
  for (let i = 0; i < spatial; i++) {
    const inDim = x[i + 2]!;
    const eff = (kernel[i]! - 1) * dil[i]! + 1;
    if (transposed) {
      const outPad = intsAttr(node, 'output_padding')?.[i] ?? 0;
      out.push(explicit?.[i] ?? strides[i]! * (inDim - 1) + outPad + eff - pads[i]! - pads[i + spatial]!);
    } else if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') out.push(Math.ceil(inDim / strides[i]!));
    else if (mode === 'VALID') out.push(Math.floor((inDim - eff) / strides[i]!) + 1);
    else out.push(Math.floor((inDim + pads[i]! + pads[i + spatial]! - eff) / strides[i]!) + 1);
  }
  return { shape: out };
}

function matmul(a?: number[], b?: number[]): number[] | undefined {
  if (!a || !b) return undefined;
  const A = a.length === 1 ? [1, a[0]!] : a;
  const B = b.length === 1 ? [b[0]!, 1] : b;
  const batch = broadcast([A.slice(0, -2), B.slice(0, -2)])!;
  const out = [...batch, A[A.length - 2]!, B[B.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

/** Axes given as an attribute (older opsets) or as input `index` (newer). */
function axesOf(node: NodeProto, get: Lookup, index: number): number[] | undefined {
  return intsAttr(node, 'axes') ?? (node.input[index] ? get(node.input[index]!)?.value : undefined);
}

/** Output shapes of a compute node, from what is known of its inputs. */
export function inferNode(node: NodeProto, get: Lookup): Facts {
  const ins: Facts = node.input.map((i) => (i ? get(i) : undefined));
  const x = ins[0];
  const op = node.opType ?? '';
  switch (op) {
    case 'Pow':
    case 'Sum':
    case 'PRelu':
    case 'BitShift':
      return [{ shape: broadcast(ins.map((f) => f?.shape)) }];
    case 'Pad': {
      const pads = intsAttr(node, 'pads') ?? ins[1]?.value;
      if (!pads || !x?.shape) return [];
      const r = x.shape.length;
      const axes = ins[3]?.value?.map((a) => norm(a, r)) ?? x.shape.map((_, i) => i);
      const shape = [...x.shape];
      axes.forEach((a, i) => {
        shape[a] = shape[a]! + pads[i]! + pads[i + axes.length]!;
      });
      return [{ shape }];
    }
    case 'Resize':
    case 'Upsample': {
      if (!x?.shape) return [];
      const sizes = ins[3]?.value;
      if (sizes?.length) return [{ shape: sizes }];
      const scales = intsAttr(node, 'scales') ?? ins[op === 'Upsample' ? 1 : 2]?.value;
      return scales?.length ? [{ shape: x.shape.map((d, i) => Math.floor(d * scales[i]!)) }] : [];
    }
    case 'MatMul':
      return [{ shape: matmul(x?.shape, ins[1]?.shape) }];
    case 'Gemm': {
      const [a, b] = [x?.shape, ins[1]?.shape];
      if (!a || !b) return [];
      const m = getIntNumber(node, 'transA', 0) ? a[1]! : a[0]!;
      const n = getIntNumber(node, 'transB', 0) ? b[0]! : b[1]!;
      return [{ shape: [m, n] }];
    }
    case 'Conv':
      return [convOutput(node, get, false)];
    case 'ConvTranspose':
      return [convOutput(node, get, true)];
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL2':
    case 'ReduceSumSquare':
    case 'ArgMax':
    case 'ArgMin': {
      if (!x?.shape) return [];
      const rank = x.shape.length;
      const single = op.startsWith('Arg') ? [getIntNumber(node, 'axis', 0)] : undefined;
      const given = single ?? axesOf(node, get, 1);
      if (!given && node.input[1]) return [];
      const axes = (given?.length ? given : x.shape.map((_, i) => i)).map((a) => norm(a, rank));
      const keep = getIntNumber(node, 'keepdims', 1) === 1;
      return [{ shape: x.shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d])) }];
    }
    case 'OneHot': {
      const depth = ins[1]?.value?.[0];
      if (!x?.shape || depth === undefined) return [];
      const shape = [...x.shape];
      shape.splice(norm(getIntNumber(node, 'axis', -1), x.shape.length + 1), 0, depth);
      return [{ shape }];
    }
    case 'ScatterND':
    case 'ScatterElements':
    case 'CumSum':
      return x?.shape ? [{ shape: x.shape }] : [];
    default:
      // Shape-preserving ops (activations, Softmax, LayerNormalization's first output, Dropout, Clip, ...).
      if (SAME_SHAPE.has(op)) return x?.shape ? [{ shape: x.shape }] : [];
      return [];
  }
}

const SAME_SHAPE = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'Erf',
  'Exp',
  'Log',
  'Sin',
  'Cos',
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'Dropout',
  'Clip',
  'Not',
  'Reciprocal',
  'Gelu',
  'HardSigmoid',
  'HardSwish',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Softplus',
  'Sign',
  'Round',
  'IsNaN',
  'IsInf',
  'BatchNormalization',
  'InstanceNormalization',
  'GroupNormalization',
  'QuantizeLinear',
  'DequantizeLinear',
]);
