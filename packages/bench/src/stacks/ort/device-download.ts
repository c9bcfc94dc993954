/**
 * Copies a tensor that onnxruntime-node's WebGPU provider left on the GPU (`location: 'gpu-buffer'`) to host
 * memory. `Tensor.getData()` cannot be used for that: in onnxruntime-node 1.30 it aborts the whole process
 * natively (measured on an H200: "terminate called after throwing an instance of 'char const*'"). Running the
 * tensor through a one-node WebGPU Identity session whose output lives on the CPU makes ONNX Runtime do the copy
 * itself (1.4-1.8 ms for a 1 MiB feature map there). One session per element type, built once per process.
 */
import { DataType, emptyGraph, encodeModel, makeModel, makeNode, makeValueInfo } from '@tamkit/graph-surgery';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { type OrtModule, ortSessionSeverity } from './load-ort.js';

const ELEMENT_TYPES: Record<string, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  uint8: DataType.UINT8,
  bool: DataType.BOOL,
};

const sessions = new Map<string, Promise<InferenceSession>>();

function identitySession(ort: OrtModule, type: string): Promise<InferenceSession> {
  let session = sessions.get(type);
  if (!session) {
    const elemType = ELEMENT_TYPES[type];
    if (elemType === undefined) throw new RangeError(`tensor type ${type} cannot be downloaded from the GPU`);
    const graph = emptyGraph('download');
    graph.input.push(makeValueInfo('x', elemType));
    graph.output.push(makeValueInfo('y', elemType));
    graph.node.push(makeNode({ opType: 'Identity', inputs: ['x'], outputs: ['y'], name: 'download' }));
    session = ort.InferenceSession.create(encodeModel(makeModel({ graph })), {
      executionProviders: ['webgpu'],
      logSeverityLevel: ortSessionSeverity(),
    });
    sessions.set(type, session);
  }
  return session;
}

/** A host copy of `tensor` (returned as is when it already is on the host). The device buffer is kept. */
export async function downloadDeviceTensor(ort: OrtModule, tensor: Tensor): Promise<Tensor> {
  if (tensor.location === 'cpu') return tensor;
  const session = await identitySession(ort, tensor.type);
  const { y } = await session.run({ x: tensor });
  return y!;
}
