/**
 * Folding the constant nodes that the exact kernels do not compute (Sin, Cos, Pow, Resize, MatMul of two
 * constants, ...) with ONNX Runtime's CPU provider: the same kernels that compute them when the original model
 * runs on that provider, so the folded values are the bits that run would produce.
 *
 * onnxruntime-node is an optional peer dependency of graph-surgery: it is imported only when such a node
 * appears, and without it those nodes stay in the graph (the report says so).
 */
import { emptyGraph, makeModel, makeValueInfo } from '../graph/build.js';
import { encodeModel } from '../onnx/model-io.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { outputTypesOf } from '../passes/support/elem-types.js';
import { isSupportedType, type Tensor, tensorToProto } from './tensor.js';

/** The part of onnxruntime-node's API this module uses (structural, so graph-surgery needs no types from it). */
interface RuntimeTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}
interface RuntimeSession {
  run(feeds: Record<string, never>): Promise<Record<string, RuntimeTensor>>;
  release(): Promise<void>;
}
/** The onnxruntime-node module, as far as constant folding needs it. */
export interface OnnxRuntimeModule {
  InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<RuntimeSession>;
  };
}

const TYPE_OF: Record<string, number> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int16: DataType.INT16,
  uint16: DataType.UINT16,
  int32: DataType.INT32,
  uint32: DataType.UINT32,
  int64: DataType.INT64,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
};

let loading: Promise<OnnxRuntimeModule | undefined> | undefined;

/** onnxruntime-node, imported on first use; undefined when it is not installed. */
export function loadOnnxRuntime(): Promise<OnnxRuntimeModule | undefined> {
  loading ??= import('onnxruntime-node').then(
    (m) => (m as { default?: OnnxRuntimeModule }).default ?? (m as unknown as OnnxRuntimeModule),
    () => undefined,
  );
  return loading;
}

/** A runtime tensor's data as a Tensor (copied: the runtime's buffers are not ours to keep). */
function fromRuntime(t: RuntimeTensor): Tensor | undefined {
  const dataType = TYPE_OF[t.type];
  if (dataType === undefined || !ArrayBuffer.isView(t.data)) return undefined;
  return { dataType, dims: [...t.dims], data: (t.data as Tensor['data']).slice() };
}

/**
 * Computes `nodes` (whose inputs are all constant: `constantOf` gives them) in one ONNX Runtime CPU session: the
 * inputs are stored as initializers, every node output is a graph output. Nodes whose inputs or outputs have a
 * type the runtime's JavaScript API cannot carry are left out of the result.
 */
export async function foldWithOnnxRuntime(
  runtime: OnnxRuntimeModule,
  model: ModelProto,
  nodes: readonly NodeProto[],
  constantOf: (name: string) => Tensor | undefined,
): Promise<Map<NodeProto, Tensor[]>> {
  const graph = makeModel({ graph: emptyGraph('fold') });
  graph.opsetImport = model.opsetImport.map((o) => ({ ...o }));
  graph.irVersion = model.irVersion;
  const g = graph.graph!;
  const stored = new Set<string>();
  const typeOf = (name: string) => constantOf(name)?.dataType;
  const usable = nodes.filter((node) => {
    const types = outputTypesOf(node, typeOf);
    return (
      types.every((t) => t !== undefined && isSupportedType(t) && t !== DataType.BFLOAT16) &&
      node.input.every((i) => !i || (constantOf(i) && constantOf(i)!.dataType !== DataType.BFLOAT16))
    );
  });
  for (const node of usable) {
    for (const name of node.input) {
      if (!name || stored.has(name)) continue;
      stored.add(name);
      g.initializer.push(tensorToProto(name, constantOf(name)!));
    }
    g.node.push({ ...node, name: node.name || `folded_${g.node.length}` });
    const types = outputTypesOf(node, typeOf);
    node.output.forEach((o, k) => {
      if (o) g.output.push(makeValueInfo(o, types[k]!));
    });
  }
  const results = new Map<NodeProto, Tensor[]>();
  if (usable.length === 0) return results;
  const session = await runtime.InferenceSession.create(encodeModel(graph), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    logSeverityLevel: 4,
  });
  try {
    const outputs = await session.run({});
    for (const node of usable) {
      const values = node.output.map((o) => (o ? outputs[o] : undefined));
      const tensors = values.map((v) => (v ? fromRuntime(v) : undefined));
      if (tensors.every((t) => t)) results.set(node, tensors as Tensor[]);
    }
  } finally {
    await session.release();
  }
  return results;
}
