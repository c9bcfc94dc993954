/**
 * Tensor data <-> typed arrays. Reads whichever field holds the data (raw_data or the typed *_data field, as
 * the spec allows) and writes raw_data. FLOAT16 and BFLOAT16 read as Float32Array (exact), INT64 as
 * BigInt64Array (no precision loss), UINT64 as BigUint64Array.
 */
import { ToolkitError } from '@tamkit/common';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './float-bits.js';
import { DataType, type Int64, type TensorProto } from './types.js';

export type TypedValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Storage bits per element for every data type ONNX defines (sub-byte types are packed). */
const BITS: Record<number, number> = {
  [DataType.FLOAT]: 32,
  [DataType.UINT8]: 8,
  [DataType.INT8]: 8,
  [DataType.UINT16]: 16,
  [DataType.INT16]: 16,
  [DataType.INT32]: 32,
  [DataType.INT64]: 64,
  [DataType.BOOL]: 8,
  [DataType.FLOAT16]: 16,
  [DataType.DOUBLE]: 64,
  [DataType.UINT32]: 32,
  [DataType.UINT64]: 64,
  [DataType.COMPLEX64]: 64,
  [DataType.COMPLEX128]: 128,
  [DataType.BFLOAT16]: 16,
  [DataType.FLOAT8E4M3FN]: 8,
  [DataType.FLOAT8E4M3FNUZ]: 8,
  [DataType.FLOAT8E5M2]: 8,
  [DataType.FLOAT8E5M2FNUZ]: 8,
  [DataType.UINT4]: 4,
  [DataType.INT4]: 4,
  [DataType.FLOAT4E2M1]: 4,
  [DataType.FLOAT8E8M0]: 8,
  [DataType.UINT2]: 2,
  [DataType.INT2]: 2,
};

const NAMES = new Map<number, string>(Object.entries(DataType).map(([k, v]) => [v, k]));

/** `FLOAT16`, `INT64`, ... or `TYPE_<n>` for a number this toolkit does not know. */
export function dataTypeName(dataType: number | undefined): string {
  return NAMES.get(dataType ?? 0) ?? `TYPE_${dataType}`;
}

/** Bits per element, or undefined for STRING/unknown types. */
export function dataTypeBits(dataType: number | undefined): number | undefined {
  return BITS[dataType ?? 0];
}

export function isFloatType(dataType: number | undefined): boolean {
  return (
    dataType === DataType.FLOAT ||
    dataType === DataType.FLOAT16 ||
    dataType === DataType.DOUBLE ||
    dataType === DataType.BFLOAT16
  );
}

/** Converts an int64 to a number, refusing values that a number cannot hold exactly. */
export function toSafeNumber(value: Int64, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new ToolkitError('INT64_RANGE', `${what} = ${value} does not fit a JavaScript number exactly`, {
      remedy: 'Read it as a bigint instead.',
    });
  }
  return n;
}

export function elementCount(tensor: Pick<TensorProto, 'dims'>): number {
  let n = 1;
  for (const d of tensor.dims) n *= toSafeNumber(d, 'tensor dimension');
  return n;
}

/** Copies raw bytes into a fresh, aligned buffer (raw_data views into a file can sit at any offset). */
function aligned(raw: Uint8Array, bytesPerElement: number): ArrayBuffer {
  if (raw.byteOffset % bytesPerElement === 0 && raw.buffer instanceof ArrayBuffer) {
    return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  }
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy.buffer;
}

function checkLength(tensor: TensorProto, got: number, want: number): void {
  if (got !== want) {
    throw new ToolkitError(
      'TENSOR_SIZE',
      `tensor "${tensor.name ?? ''}" holds ${got} elements but its dims [${tensor.dims.join(',')}] need ${want}`,
      { remedy: 'The model is corrupt; re-export it.' },
    );
  }
}

function fromRaw(tensor: TensorProto, raw: Uint8Array, count: number): TypedValues {
  const dt = tensor.dataType;
  const bytes = (BITS[dt ?? 0] ?? 0) / 8;
  if (raw.byteLength !== count * bytes) checkLength(tensor, raw.byteLength / bytes, count);
  switch (dt) {
    case DataType.FLOAT:
      return new Float32Array(aligned(raw, 4));
    case DataType.DOUBLE:
      return new Float64Array(aligned(raw, 8));
    case DataType.INT8:
      return new Int8Array(aligned(raw, 1));
    case DataType.UINT8:
    case DataType.BOOL:
      return new Uint8Array(aligned(raw, 1));
    case DataType.INT16:
      return new Int16Array(aligned(raw, 2));
    case DataType.UINT16:
      return new Uint16Array(aligned(raw, 2));
    case DataType.INT32:
      return new Int32Array(aligned(raw, 4));
    case DataType.UINT32:
      return new Uint32Array(aligned(raw, 4));
    case DataType.INT64:
      return new BigInt64Array(aligned(raw, 8));
    case DataType.UINT64:
      return new BigUint64Array(aligned(raw, 8));
    case DataType.FLOAT16:
      return mapBits(new Uint16Array(aligned(raw, 2)), float16BitsToFloat32);
    case DataType.BFLOAT16:
      return mapBits(new Uint16Array(aligned(raw, 2)), bfloat16BitsToFloat32);
    default:
      throw unsupported(tensor);
  }
}

function mapBits(bits: Uint16Array, convert: (b: number) => number): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = convert(bits[i]!);
  return out;
}

function unsupported(tensor: TensorProto): ToolkitError {
  return new ToolkitError(
    'TENSOR_TYPE',
    `tensor "${tensor.name ?? ''}" has type ${dataTypeName(tensor.dataType)}, which has no typed-array view`,
    { remedy: 'Read its rawData bytes directly.' },
  );
}

/**
 * The tensor's values as a typed array (a copy; the tensor is not changed). External tensors must be loaded
 * first (readModel does it by default).
 */
export function readTensorValues(tensor: TensorProto): TypedValues {
  const count = elementCount(tensor);
  if (tensor.dataLocation === 1) {
    throw new ToolkitError('TENSOR_EXTERNAL', `tensor "${tensor.name ?? ''}" is stored externally and not loaded`, {
      remedy: 'Read the model with loadExternalData: true (the default).',
    });
  }
  if (tensor.rawData) return fromRaw(tensor, tensor.rawData, count);
  const dt = tensor.dataType;
  let out: TypedValues;
  switch (dt) {
    case DataType.FLOAT:
      out = Float32Array.from(tensor.floatData);
      break;
    case DataType.DOUBLE:
      out = Float64Array.from(tensor.doubleData);
      break;
    case DataType.INT32:
      out = Int32Array.from(tensor.int32Data);
      break;
    case DataType.INT8:
      out = Int8Array.from(tensor.int32Data);
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      out = Uint8Array.from(tensor.int32Data);
      break;
    case DataType.INT16:
      out = Int16Array.from(tensor.int32Data);
      break;
    case DataType.UINT16:
      out = Uint16Array.from(tensor.int32Data);
      break;
    case DataType.FLOAT16:
      out = mapBits(Uint16Array.from(tensor.int32Data), float16BitsToFloat32);
      break;
    case DataType.BFLOAT16:
      out = mapBits(Uint16Array.from(tensor.int32Data), bfloat16BitsToFloat32);
      break;
    case DataType.INT64:
      out = BigInt64Array.from(tensor.int64Data, (v) => BigInt(v));
      break;
    case DataType.UINT32:
      out = Uint32Array.from(tensor.uint64Data, (v) => Number(v));
      break;
    case DataType.UINT64:
      out = BigUint64Array.from(tensor.uint64Data, (v) => BigInt(v));
      break;
    default:
      throw unsupported(tensor);
  }
  checkLength(tensor, out.length, count);
  return out;
}

/** Float values of a FLOAT/FLOAT16/BFLOAT16/DOUBLE tensor as Float32Array (DOUBLE is narrowed). */
export function readFloatValues(tensor: TensorProto): Float32Array {
  const values = readTensorValues(tensor);
  if (values instanceof Float32Array) return values;
  if (values instanceof Float64Array) return Float32Array.from(values);
  throw new ToolkitError(
    'TENSOR_TYPE',
    `tensor "${tensor.name ?? ''}" is ${dataTypeName(tensor.dataType)}, not a float type`,
    {
      remedy: 'Use readTensorValues for integer tensors.',
    },
  );
}

export type ValuesInput = ArrayLike<number> | ArrayLike<bigint> | TypedValues;

/** Encodes values as raw little-endian bytes of `dataType` (FLOAT16/BFLOAT16 rounded to nearest even). */
export function encodeValues(dataType: number, values: ValuesInput): Uint8Array {
  const n = values.length;
  const num = (i: number) => Number(values[i] as number | bigint);
  let arr: TypedValues;
  switch (dataType) {
    case DataType.FLOAT:
      arr = values instanceof Float32Array ? values : Float32Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.DOUBLE:
      arr = Float64Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.FLOAT16:
      arr = Uint16Array.from({ length: n }, (_, i) => float32ToFloat16Bits(num(i)));
      break;
    case DataType.BFLOAT16:
      arr = Uint16Array.from({ length: n }, (_, i) => float32ToBfloat16Bits(num(i)));
      break;
    case DataType.INT8:
      arr = Int8Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      arr = Uint8Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.INT16:
      arr = Int16Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.UINT16:
      arr = Uint16Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.INT32:
      arr = Int32Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.UINT32:
      arr = Uint32Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.INT64:
      arr = BigInt64Array.from({ length: n }, (_, i) => BigInt(values[i] as number | bigint));
      break;
    case DataType.UINT64:
      arr = BigUint64Array.from({ length: n }, (_, i) => BigInt(values[i] as number | bigint));
      break;
    default:
      throw new ToolkitError('TENSOR_TYPE', `cannot encode values as ${dataTypeName(dataType)}`, {
        remedy: 'Build the raw bytes yourself and set rawData.',
      });
  }
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** A new TensorProto holding `values` as raw_data. */
export function makeTensor(name: string, dataType: number, dims: readonly Int64[], values: ValuesInput): TensorProto {
  const tensor: TensorProto = {
    ...emptyTensorFields(),
    name,
    dataType,
    dims: [...dims],
    rawData: encodeValues(dataType, values),
  };
  checkLength(tensor, values.length, elementCount(tensor));
  return tensor;
}

/** The repeated fields of a TensorProto, all empty. */
export function emptyTensorFields(): Omit<TensorProto, 'dims'> & { dims: Int64[] } {
  return {
    dims: [],
    floatData: [],
    int32Data: [],
    stringData: [],
    int64Data: [],
    externalData: [],
    doubleData: [],
    uint64Data: [],
    metadataProps: [],
  };
}
