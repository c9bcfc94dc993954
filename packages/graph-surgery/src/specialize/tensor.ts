/**
 * The constant tensors the specialisation evaluates: an element type, dims and a typed array that holds the
 * stored bits exactly. FLOAT16 and BFLOAT16 are kept as their 16-bit patterns (a Float32Array view would turn
 * NaN payloads into the canonical NaN), INT64 as BigInt64Array (shape arithmetic uses INT64_MAX as "to the end").
 */
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../onnx/float-bits.js';
import { emptyTensorFields, readTensorValues, type TypedValues } from '../onnx/tensor-data.js';
import { DataType, type TensorProto } from '../onnx/types.js';

/** The typed arrays of `readTensorValues`; FLOAT16/BFLOAT16 are held as Uint16Array bit patterns here. */
export type TensorData = TypedValues;

/** A constant tensor: row-major `data` of `dims`, stored as `dataType` stores it (see the module comment). */
export interface Tensor {
  dataType: number;
  dims: number[];
  data: TensorData;
}

type ArrayMaker = (length: number) => TensorData;

const STORAGE: Partial<Record<number, ArrayMaker>> = {
  [DataType.FLOAT]: (n) => new Float32Array(n),
  [DataType.DOUBLE]: (n) => new Float64Array(n),
  [DataType.FLOAT16]: (n) => new Uint16Array(n),
  [DataType.BFLOAT16]: (n) => new Uint16Array(n),
  [DataType.INT8]: (n) => new Int8Array(n),
  [DataType.UINT8]: (n) => new Uint8Array(n),
  [DataType.BOOL]: (n) => new Uint8Array(n),
  [DataType.INT16]: (n) => new Int16Array(n),
  [DataType.UINT16]: (n) => new Uint16Array(n),
  [DataType.INT32]: (n) => new Int32Array(n),
  [DataType.UINT32]: (n) => new Uint32Array(n),
  [DataType.INT64]: (n) => new BigInt64Array(n),
  [DataType.UINT64]: (n) => new BigUint64Array(n),
};

/** Whether tensors of this element type can be held (and so evaluated) here. */
export function isSupportedType(dataType: number | undefined): boolean {
  return dataType !== undefined && STORAGE[dataType] !== undefined;
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** A zero-filled tensor of `dataType` and `dims`. */
export function allocate(dataType: number, dims: readonly number[]): Tensor {
  const make = STORAGE[dataType];
  if (!make) throw new RangeError(`no storage for element type ${dataType}`);
  return { dataType, dims: [...dims], data: make(product(dims)) };
}

/** Bytes per element of the storage (1 for BOOL). */
export function bytesPerElement(tensor: Tensor): number {
  return tensor.data.BYTES_PER_ELEMENT;
}

/**
 * The data as unsigned integers of the same width: what data-movement kernels copy, so that every bit pattern
 * (NaN payloads, negative zero) survives.
 */
export function bitsOf(data: TensorData): Uint8Array | Uint16Array | Uint32Array | BigUint64Array {
  const { buffer, byteOffset, length } = data;
  switch (data.BYTES_PER_ELEMENT) {
    case 1:
      return new Uint8Array(buffer, byteOffset, length);
    case 2:
      return new Uint16Array(buffer, byteOffset, length);
    case 4:
      return new Uint32Array(buffer, byteOffset, length);
    default:
      return new BigUint64Array(buffer, byteOffset, length);
  }
}

function alignedCopy(raw: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy.buffer;
}

/** The tensor held by an initializer or a Constant's `value`; undefined for types that cannot be held here. */
export function tensorFromProto(proto: TensorProto): Tensor | undefined {
  const dataType = proto.dataType ?? 0;
  if (!isSupportedType(dataType) || proto.dataLocation === 1) return undefined;
  const dims = proto.dims.map(Number);
  if (dataType === DataType.FLOAT16 || dataType === DataType.BFLOAT16) {
    const data = proto.rawData ? new Uint16Array(alignedCopy(proto.rawData)) : Uint16Array.from(proto.int32Data);
    if (data.length !== product(dims)) return undefined;
    return { dataType, dims, data };
  }
  return { dataType, dims, data: readTensorValues(proto) as TensorData };
}

/** An initializer holding `tensor` as raw little-endian bytes (the data is copied, never shared). */
export function tensorToProto(name: string, tensor: Tensor): TensorProto {
  const bytes = new Uint8Array(tensor.data.byteLength);
  bytes.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return { ...emptyTensorFields(), name, dataType: tensor.dataType, dims: [...tensor.dims], rawData: bytes };
}

/** The values as numbers: FLOAT16/BFLOAT16 decoded, 64-bit integers converted (rounded beyond 2^53). */
export function numbersOf(tensor: Tensor): number[] {
  const d = tensor.data;
  if (tensor.dataType === DataType.FLOAT16) return Array.from(d as Uint16Array, float16BitsToFloat32);
  if (tensor.dataType === DataType.BFLOAT16) return Array.from(d as Uint16Array, bfloat16BitsToFloat32);
  return Array.from(d as ArrayLike<number | bigint>, Number);
}

/** Integer values of an integer tensor as bigint (exact for INT64), for shapes, indices and axes. */
export function integersOf(tensor: Tensor): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < tensor.data.length; i++) {
    const v = tensor.data[i]!;
    out.push(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  }
  return out;
}

/** Integer types held as numbers (their arithmetic wraps when stored). */
export const SMALL_INTEGER_TYPES: ReadonlySet<number> = new Set([
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.UINT32,
]);
/** Integer types held as bigints. */
export const WIDE_INTEGER_TYPES: ReadonlySet<number> = new Set([DataType.INT64, DataType.UINT64]);
export const INTEGER_TYPES: ReadonlySet<number> = new Set([...SMALL_INTEGER_TYPES, ...WIDE_INTEGER_TYPES]);

/** A 1-d INT64 tensor. */
export function int64Tensor(values: readonly (number | bigint)[], dims: number[] = [values.length]): Tensor {
  return { dataType: DataType.INT64, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
}
