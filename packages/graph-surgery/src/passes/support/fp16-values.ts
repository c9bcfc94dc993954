/**
 * FP16/BF16 conversion of stored values (initializers, Constant nodes) and of op attributes that hard-code FLOAT
 * (the "dtype fixes").
 */
import { getAttribute, setAttribute } from '../../graph/attributes.js';
import { makeAttribute } from '../../graph/build.js';
import { FLOAT16_MAX } from '../../onnx/float-bits.js';
import { innerTensorType } from '../../onnx/op-schemas.js';
import { makeTensor, readFloatValues } from '../../onnx/tensor-data.js';
import { DataType, type NodeProto, type TensorProto } from '../../onnx/types.js';
import { type LowFloatType, toLowBits } from './half-arrays.js';

/** Values of one tensor that FP16 cannot hold. */
export interface OutOfRangeValues {
  tensor: string;
  /** Finite values with |v| > 65504: they become ±Inf in FP16 unless clamped. */
  count: number;
  maxAbs: number;
}

/** The same tensor stored as FLOAT16 (values rounded to nearest even; clamped to ±65504 when asked). */
export function tensorToFloat16(
  tensor: TensorProto,
  clamp: boolean,
): { tensor: TensorProto; outOfRange?: OutOfRangeValues } {
  const values = readFloatValues(tensor);
  let count = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const a = Math.abs(v);
    if (a > FLOAT16_MAX && Number.isFinite(v)) {
      count++;
      if (a > maxAbs) maxAbs = a;
      if (clamp) values[i] = Math.sign(v) * FLOAT16_MAX;
    }
  }
  const converted = storeAs(tensor, values, DataType.FLOAT16);
  return count
    ? { tensor: converted, outOfRange: { tensor: tensor.name ?? '', count, maxAbs } }
    : { tensor: converted };
}

/** The same tensor stored as BFLOAT16 (round to nearest even; BF16 has FP32's range, so nothing overflows). */
export function tensorToBfloat16(tensor: TensorProto): TensorProto {
  return storeAs(tensor, readFloatValues(tensor), DataType.BFLOAT16);
}

/** `tensor` with `values` stored inline as raw 16-bit floats of `type`. */
function storeAs(tensor: TensorProto, values: Float32Array, type: LowFloatType): TensorProto {
  return {
    ...tensor,
    dataType: type,
    rawData: new Uint8Array(toLowBits(values, type).buffer),
    floatData: [],
    int32Data: [],
    doubleData: [],
    externalData: [],
    dataLocation: undefined,
  };
}

/** A FLOAT value attribute of a Constant node, as a tensor (value_float / value_floats forms included). */
export function constantFloatTensor(node: NodeProto): TensorProto | undefined {
  const value = getAttribute(node, 'value');
  if (value?.t) return value.t.dataType === DataType.FLOAT ? value.t : undefined;
  const f = getAttribute(node, 'value_float');
  if (f) return makeTensor('', DataType.FLOAT, [], [f.f ?? 0]);
  const fs = getAttribute(node, 'value_floats');
  if (fs) return makeTensor('', DataType.FLOAT, [fs.floats.length], fs.floats);
  return undefined;
}

/** Replaces a Constant's float value by `tensor` (a `value` attribute, whatever form it had). */
export function setConstantValue(node: NodeProto, tensor: TensorProto): void {
  node.attribute = node.attribute.filter((a) => a.name !== 'value_float' && a.name !== 'value_floats');
  setAttribute(node, 'value', tensor);
}

/** One attribute rewritten so that a node produces FLOAT16 instead of FLOAT. */
export interface DtypeFix {
  node: string;
  opType: string;
  attribute: string;
}

/** Ops whose `dtype` attribute picks the output type; the non-Like forms default to FLOAT when it is absent. */
const DTYPE_DEFAULT_FLOAT = new Set(['RandomNormal', 'RandomUniform', 'SequenceEmpty']);
const DTYPE_OPTIONAL = new Set(['RandomNormalLike', 'RandomUniformLike', 'EyeLike', 'Bernoulli']);

/**
 * Rewrites attributes that hard-code FLOAT output (dtype of Random*, EyeLike, Bernoulli, SequenceEmpty; the element
 * type of Optional's `type`; ConstantOfShape's value, FLOAT 0 when absent) to `to` (FLOAT16 by default). Returns the
 * fix made, if any.
 */
export function fixFloat32Attribute(node: NodeProto, to: LowFloatType = DataType.FLOAT16): DtypeFix | undefined {
  const op = node.opType ?? '';
  const fix = (attribute: string): DtypeFix => ({ node: node.name ?? '', opType: op, attribute });
  if (op === 'Optional') {
    const tensor = innerTensorType(getAttribute(node, 'type')?.tp);
    if (tensor?.elemType !== DataType.FLOAT) return undefined;
    tensor.elemType = to;
    return fix('type');
  }
  if (DTYPE_DEFAULT_FLOAT.has(op) || DTYPE_OPTIONAL.has(op)) {
    const dtype = getAttribute(node, 'dtype');
    const current = dtype ? Number(dtype.i ?? 0) : DTYPE_DEFAULT_FLOAT.has(op) ? DataType.FLOAT : undefined;
    if (current !== DataType.FLOAT) return undefined;
    setAttribute(node, 'dtype', to);
    return fix('dtype');
  }
  if (op === 'ConstantOfShape') {
    const value = getAttribute(node, 'value')?.t;
    if (value && value.dataType !== DataType.FLOAT) return undefined;
    const v = value ? (readFloatValues(value)[0] ?? 0) : 0;
    const i = node.attribute.findIndex((a) => a.name === 'value');
    const attr = makeAttribute('value', makeTensor(value?.name ?? '', to, [1], [v]));
    if (i >= 0) node.attribute[i] = attr;
    else node.attribute.push(attr);
    return fix('value');
  }
  return undefined;
}
