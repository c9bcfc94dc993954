/**
 * Per-op shape rules for `inferShapes`: the ops PyTorch exports of vision transformers use (shape arithmetic,
 * elementwise, linear algebra, convolution, normalisation, resizing). Unknown ops yield nothing.
 */
import { getAttribute, getInt, getIntNumber, getTensorAttribute } from '../graph/attributes.js';
import { readTensorValues } from '../onnx/tensor-data.js';
import type { NodeProto } from '../onnx/types.js';

/** What is known of a tensor: its shape and, for small tensors, its values. */
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

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
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

/** Elementwise op with values when every input's values are known (broadcast by flat index for scalars/equal sizes). */
function elementwise(inputs: Facts, fn?: (...xs: number[]) => number): TensorFacts {
  const shape = broadcast(inputs.map((f) => f?.shape));
  const values = inputs.map((f) => f?.value ?? []);
  if (!shape || !fn || inputs.some((f) => !f?.value)) return shape ? { shape } : {};
  const n = size(shape);
  if (n > MAX_VALUE_ELEMENTS || values.some((v) => v.length !== 1 && v.length !== n)) return { shape };
  const value = Array.from({ length: n }, (_, i) => fn(...values.map((v) => v[v.length === 1 ? 0 : i] ?? 0)));
  return { shape, value };
}

const withValue = (shape: number[], value: number[] | undefined): TensorFacts =>
  value && size(shape) <= MAX_VALUE_ELEMENTS ? { shape, value } : { shape };

/** Axes given as an attribute (older opsets) or as input `index` (newer). */
function axesOf(node: NodeProto, get: Lookup, index: number): number[] | undefined {
  return intsAttr(node, 'axes') ?? (node.input[index] ? get(node.input[index]!)?.value : undefined);
}

/** Elements of `data` (row-major, `shape`) along `axis` at `indices`. */
function gatherValues(data: number[], shape: number[], axis: number, indices: number[]): number[] {
  const outer = size(shape.slice(0, axis));
  const inner = size(shape.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const idx of indices) {
      const extent = shape[axis] ?? 1;
      const k = idx < 0 ? idx + extent : idx;
      for (let i = 0; i < inner; i++) out.push(data[(o * extent + k) * inner + i] ?? 0);
    }
  return out;
}

/** Values of a row-major tensor of `shape` permuted by `perm`. */
function transposeValues(values: number[], shape: number[], perm: number[]): number[] {
  const rank = shape.length;
  const strides = shape.map((_, i) => size(shape.slice(i + 1)));
  const outShape = perm.map((p) => shape[p]!);
  const out: number[] = [];
  const index = new Array<number>(rank).fill(0);
  for (let n = 0; n < values.length; n++) {
    const at = perm.reduce((s, p, i) => s + (index[i] ?? 0) * (strides[p] ?? 0), 0);
    out.push(values[at] ?? 0);
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i]! < outShape[i]!) break;
      index[i] = 0;
    }
  }
  return out;
}

function sliceDim(dim: number, start: number, end: number, step: number): { start: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = clamp(s, -1, dim - 1);
  e = clamp(e, -1, dim - 1);
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

function slice(node: NodeProto, get: Lookup): TensorFacts | undefined {
  const data = get(node.input[0]!);
  const starts = intsAttr(node, 'starts') ?? get(node.input[1] ?? '')?.value;
  const ends = intsAttr(node, 'ends') ?? get(node.input[2] ?? '')?.value;
  if (!data?.shape || !starts || !ends) return undefined;
  const rank = data.shape.length;
  const axes = (axesOf(node, get, 3) ?? starts.map((_, i) => i)).map((a) => norm(a, rank));
  const steps = node.input[4] ? get(node.input[4])?.value : starts.map(() => 1);
  if (!steps) return undefined;
  const shape = [...data.shape];
  const ranges = shape.map((d) => ({ start: 0, count: d, step: 1 }));
  axes.forEach((axis, i) => {
    const r = sliceDim(shape[axis]!, starts[i]!, ends[i]!, steps[i]!);
    shape[axis] = r.count;
    ranges[axis] = { ...r, step: steps[i]! };
  });
  if (!data.value || size(shape) > MAX_VALUE_ELEMENTS) return { shape };
  const strides = data.shape.map((_, i) => size(data.shape!.slice(i + 1)));
  const value: number[] = [];
  const index = new Array<number>(rank).fill(0);
  for (let n = 0; n < size(shape); n++) {
    const at = ranges.reduce((s, r, i) => s + (r.start + (index[i] ?? 0) * r.step) * (strides[i] ?? 0), 0);
    value.push(data.value[at] ?? 0);
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i]! < shape[i]!) break;
      index[i] = 0;
    }
  }
  return { shape, value };
}

function reshape(node: NodeProto, get: Lookup): TensorFacts | undefined {
  const data = get(node.input[0]!);
  const target = get(node.input[1]!)?.value;
  if (!data?.shape || !target) return undefined;
  const allowZero = getIntNumber(node, 'allowzero', 0) === 1;
  const source = data.shape;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? (source[i] ?? 0) : d));
  const known = size(shape.filter((d) => d !== -1));
  const unknown = shape.indexOf(-1);
  if (unknown >= 0) shape[unknown] = known === 0 ? 0 : size(data.shape) / known;
  return withValue(shape, data.value);
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

const INT_DIV = (x: number, y: number) => Math.trunc(x / y);

/** Shapes (and small values) of a node's outputs, from what is known of its inputs. */
export function inferNode(node: NodeProto, get: Lookup): Facts {
  const ins: Facts = node.input.map((i) => (i ? get(i) : undefined));
  const x = ins[0];
  const op = node.opType ?? '';
  switch (op) {
    case 'Constant': {
      const t = getTensorAttribute(node, 'value');
      if (t) {
        const shape = t.dims.map(Number);
        return [withValue(shape, Array.from(readTensorValues(t) as ArrayLike<number | bigint>, Number))];
      }
      const a = node.attribute[0];
      if (a?.name === 'value_float' || a?.name === 'value_int') return [{ shape: [], value: [Number(a.f ?? a.i)] }];
      if (a?.name === 'value_ints') return [{ shape: [a.ints.length], value: a.ints.map(Number) }];
      if (a?.name === 'value_floats') return [{ shape: [a.floats.length], value: [...a.floats] }];
      return [];
    }
    case 'Shape': {
      if (!x?.shape) return [];
      const rank = x.shape.length;
      const start = norm(getIntNumber(node, 'start', 0), rank);
      const end = getAttribute(node, 'end') ? norm(getIntNumber(node, 'end', rank), rank) : rank;
      const value = x.shape.slice(Math.max(0, start), Math.min(rank, end));
      return [{ shape: [value.length], value }];
    }
    case 'Size':
      return x?.shape ? [{ shape: [], value: [size(x.shape)] }] : [];
    case 'Gather': {
      const idx = ins[1];
      if (!x?.shape || !idx?.shape) return [];
      const axis = norm(getIntNumber(node, 'axis', 0), x.shape.length);
      const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
      const value = x.value && idx.value ? gatherValues(x.value, x.shape, axis, idx.value) : undefined;
      return [withValue(shape, value)];
    }
    case 'Unsqueeze': {
      const axes = axesOf(node, get, 1);
      if (!x?.shape || !axes) return [];
      const rank = x.shape.length + axes.length;
      const set = new Set(axes.map((a) => norm(a, rank)));
      const rest = [...x.shape];
      const shape = Array.from({ length: rank }, (_, i) => (set.has(i) ? 1 : rest.shift()!));
      return [withValue(shape, x.value)];
    }
    case 'Squeeze': {
      if (!x?.shape) return [];
      const axes = axesOf(node, get, 1)?.map((a) => norm(a, x.shape!.length));
      const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
      return [withValue(shape, x.value)];
    }
    case 'Concat': {
      const shapes = ins.map((f) => f?.shape);
      const first = shapes[0];
      if (!first || shapes.some((sh) => !sh)) return [];
      const rank = first.length;
      const axis = norm(getIntNumber(node, 'axis', 0), rank);
      const shape = [...first];
      shape[axis] = shapes.reduce((sum, sh) => sum + (sh?.[axis] ?? 0), 0);
      const values = ins.map((f) => f?.value);
      const value = rank === 1 && values.every((v) => v) ? values.flatMap((v) => v ?? []) : undefined;
      return [withValue(shape, value)];
    }
    case 'Reshape':
      return [reshape(node, get)];
    case 'Flatten': {
      if (!x?.shape) return [];
      const axis = norm(getIntNumber(node, 'axis', 1), x.shape.length);
      return [{ shape: [size(x.shape.slice(0, axis)), size(x.shape.slice(axis))] }];
    }
    case 'Transpose': {
      if (!x?.shape) return [];
      const xs = x.shape;
      const perm = intsAttr(node, 'perm') ?? xs.map((_, i) => xs.length - 1 - i);
      const shape = perm.map((p) => xs[p] ?? 0);
      return [withValue(shape, x.value ? transposeValues(x.value, xs, perm) : undefined)];
    }
    case 'Slice':
      return [slice(node, get)];
    case 'Split': {
      if (!x?.shape) return [];
      const axis = norm(getIntNumber(node, 'axis', 0), x.shape.length);
      const n = node.output.length;
      const total = x.shape[axis]!;
      const even = Math.ceil(total / n);
      const parts =
        intsAttr(node, 'split') ??
        (node.input[1] ? get(node.input[1])?.value : undefined) ??
        Array.from({ length: n }, (_, i) => (i < n - 1 ? even : total - even * (n - 1)));
      return parts.map((p) => ({ shape: x.shape!.map((d, i) => (i === axis ? p : d)) }));
    }
    case 'Cast':
    case 'Identity':
    case 'Neg':
    case 'Floor':
    case 'Ceil':
    case 'Sqrt':
    case 'Abs': {
      if (!x?.shape) return [];
      const fns: Record<string, (v: number) => number> = {
        Neg: (v) => -v,
        Floor: Math.floor,
        Ceil: Math.ceil,
        Sqrt: Math.sqrt,
        Abs: Math.abs,
      };
      const to = op === 'Cast' ? Number(getInt(node, 'to', 1)) : 0;
      const isInt = [2, 3, 4, 5, 6, 7, 12, 13].includes(to);
      const fn = op === 'Cast' ? (v: number) => (isInt ? Math.trunc(v) : v) : (fns[op] ?? ((v: number) => v));
      return [withValue(x.shape, x.value?.map(fn))];
    }
    case 'Add':
      return [elementwise(ins, (a, b) => a + b)];
    case 'Sub':
      return [elementwise(ins, (a, b) => a - b)];
    case 'Mul':
      return [elementwise(ins, (a, b) => a * b)];
    case 'Div':
      // Integer division truncates in ONNX; values here are integers only in shape arithmetic.
      return [elementwise(ins, (a, b) => (Number.isInteger(a) && Number.isInteger(b) ? INT_DIV(a, b) : a / b))];
    case 'Mod':
      return [elementwise(ins, (a, b) => ((a % b) + b) % b)];
    case 'Equal':
      return [elementwise(ins, (a, b) => Number(a === b))];
    case 'Greater':
      return [elementwise(ins, (a, b) => Number(a > b))];
    case 'Less':
      return [elementwise(ins, (a, b) => Number(a < b))];
    case 'Max':
      return [elementwise(ins, Math.max)];
    case 'Min':
      return [elementwise(ins, Math.min)];
    case 'Where':
      return [elementwise(ins, (c, a, b) => (c ? a : b))];
    case 'Pow':
    case 'And':
    case 'Or':
    case 'Sum':
    case 'PRelu':
      return [elementwise(ins)];
    case 'Range': {
      const [s, l, d] = ins.map((f) => f?.value?.[0]);
      if (s === undefined || l === undefined || d === undefined) return [];
      const n = Math.max(0, Math.ceil((l - s) / d));
      return [
        withValue(
          [n],
          Array.from({ length: n }, (_, i) => s + i * d),
        ),
      ];
    }
    case 'ConstantOfShape': {
      const shape = x?.value;
      if (!shape) return [];
      const t = getTensorAttribute(node, 'value');
      const fill = t ? Number((readTensorValues(t) as ArrayLike<number | bigint>)[0] ?? 0) : 0;
      return [withValue(shape, new Array(size(shape)).fill(fill))];
    }
    case 'Expand': {
      const target = ins[1]?.value;
      return target && x?.shape ? [{ shape: broadcast([x.shape, target])! }] : [];
    }
    case 'Tile': {
      const reps = ins[1]?.value;
      return reps && x?.shape ? [{ shape: x.shape.map((d, i) => d * reps[i]!) }] : [];
    }
    case 'Pad': {
      const pads = intsAttr(node, 'pads') ?? ins[1]?.value;
      if (!pads || !x?.shape) return [];
      const r = x.shape.length;
      return [{ shape: x.shape.map((d, i) => d + pads[i]! + pads[i + r]!) }];
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
    case 'ArgMax':
    case 'ArgMin': {
      if (!x?.shape) return [];
      const rank = x.shape.length;
      const single = op.startsWith('Arg') ? [getIntNumber(node, 'axis', 0)] : undefined;
      const axes = (single ?? axesOf(node, get, 1) ?? x.shape.map((_, i) => i)).map((a) => norm(a, rank));
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
