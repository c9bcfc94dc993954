/** Turning runner outputs (onnxruntime tensors, maybe FP16, maybe on a device) into host float tensors. */
import type { Outputs, Runner } from '@tamkit/bench';
import { float16BitsToFloat32 } from '@tamkit/graph-surgery';
import type { HostTensor } from './compare-outputs.js';

/** Widens one tensor's values to Float32 (FP16 bits decoded exactly, integers and booleans as numbers). */
export function toHostTensor(tensor: { type: string; dims: readonly number[]; data: unknown }): HostTensor {
  const dims = [...tensor.dims];
  const data = tensor.data;
  if (tensor.type === 'float32' && data instanceof Float32Array) return { dims, data: Float32Array.from(data) };
  if (tensor.type === 'float16' && data instanceof Uint16Array) {
    return { dims, data: Float32Array.from(data, (bits) => float16BitsToFloat32(bits)) };
  }
  if (ArrayBuffer.isView(data) && 'length' in data) {
    return { dims, data: Float32Array.from(data as unknown as ArrayLike<number | bigint>, (v) => Number(v)) };
  }
  throw new TypeError(`toHostTensor: cannot read values of a ${tensor.type} tensor (data is not a typed array)`);
}

/** Downloads a runner's outputs and widens them all to host float tensors. */
export async function hostOutputs(
  runner: Pick<Runner, 'toHost'>,
  outputs: Outputs,
): Promise<Record<string, HostTensor>> {
  const host = await runner.toHost(outputs);
  const result: Record<string, HostTensor> = {};
  for (const [name, tensor] of Object.entries(host)) result[name] = toHostTensor(tensor);
  return result;
}
