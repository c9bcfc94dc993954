/** Running models in onnxruntime-node (CPU) for numerical checks in tests. */
import ort from 'onnxruntime-node';
import { DataType, readTensorValues, type TensorProto } from '../../src/index.js';

ort.env.logLevel = 'fatal';

export { ort };

const ORT_TYPE: Record<number, ort.Tensor.Type> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.INT16]: 'int16',
  [DataType.UINT16]: 'uint16',
  [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32',
  [DataType.INT64]: 'int64',
  [DataType.UINT64]: 'uint64',
  [DataType.BOOL]: 'bool',
};

/** An ORT tensor from a TensorProto, or undefined for types ORT tensors can't be built from here. */
export function ortTensorFrom(tensor: TensorProto): ort.Tensor | undefined {
  const type = ORT_TYPE[tensor.dataType ?? 0];
  if (!type) return undefined;
  const values = readTensorValues(tensor);
  const dims = tensor.dims.map(Number);
  return new ort.Tensor(type, values as never, dims);
}

export async function runModel(
  bytesOrPath: Uint8Array | string,
  feeds: Record<string, ort.Tensor>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, ort.Tensor>> {
  const session =
    typeof bytesOrPath === 'string'
      ? await ort.InferenceSession.create(bytesOrPath, { logSeverityLevel: 4, ...options })
      : await ort.InferenceSession.create(bytesOrPath, { logSeverityLevel: 4, ...options });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Byte view of a tensor's data, for bit-exact comparisons. */
export function tensorBytes(t: ort.Tensor): Uint8Array {
  const data = t.data as ArrayBufferView | string[];
  if (Array.isArray(data)) return new TextEncoder().encode(JSON.stringify(data));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
