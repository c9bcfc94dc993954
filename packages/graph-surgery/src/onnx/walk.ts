/**
 * Visits every tensor a model holds, wherever ONNX allows one: initializers, sparse initializers, tensor
 * attributes (Constant nodes among them), in the main graph, in every subgraph and in model-local functions.
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto } from './types.js';

export type TensorVisitor = (tensor: TensorProto, where: string) => void;

function visitSparse(s: SparseTensorProto, where: string, fn: TensorVisitor): void {
  if (s.values) fn(s.values, `${where}/values`);
  if (s.indices) fn(s.indices, `${where}/indices`);
}

function visitAttribute(a: AttributeProto, where: string, fn: TensorVisitor): void {
  const at = `${where}@${a.name ?? ''}`;
  if (a.t) fn(a.t, at);
  for (const t of a.tensors) fn(t, at);
  if (a.sparseTensor) visitSparse(a.sparseTensor, at, fn);
  for (const s of a.sparseTensors) visitSparse(s, at, fn);
  if (a.g) visitGraphTensors(a.g, fn, at);
  for (const g of a.graphs) visitGraphTensors(g, fn, at);
}

function visitNodes(nodes: NodeProto[], where: string, fn: TensorVisitor): void {
  for (const node of nodes)
    for (const a of node.attribute) visitAttribute(a, `${where}/${node.name ?? node.opType}`, fn);
}

export function visitGraphTensors(graph: GraphProto, fn: TensorVisitor, where = 'graph'): void {
  for (const t of graph.initializer) fn(t, `${where}/initializer`);
  for (const s of graph.sparseInitializer) visitSparse(s, `${where}/sparse_initializer`, fn);
  visitNodes(graph.node, where, fn);
}

/** Calls `fn` for each tensor in the model. */
export function visitModelTensors(model: ModelProto, fn: TensorVisitor): void {
  if (model.graph) visitGraphTensors(model.graph, fn);
  for (const f of model.functions) visitNodes(f.node, `function ${f.name ?? ''}`, fn);
  for (const info of model.trainingInfo) {
    if (info.initialization) visitGraphTensors(info.initialization, fn, 'training/initialization');
    if (info.algorithm) visitGraphTensors(info.algorithm, fn, 'training/algorithm');
  }
}

/** Visits the graph and every subgraph (If/Loop/Scan bodies), depth first, outer graph first. */
export function visitGraphs(graph: GraphProto, fn: (g: GraphProto, depth: number) => void, depth = 0): void {
  fn(graph, depth);
  for (const node of graph.node) {
    for (const a of node.attribute) {
      if (a.g) visitGraphs(a.g, fn, depth + 1);
      for (const g of a.graphs) visitGraphs(g, fn, depth + 1);
    }
  }
}
