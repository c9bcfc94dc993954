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

// The loops below are indexed, not for-of: a model is walked a few times per command, mostly by unoptimised
// code, where for-of's iterator protocol costs more than the visit (thousands of nodes).

function visitAttribute(a: AttributeProto, where: string, fn: TensorVisitor): void {
  const at = `${where}@${a.name ?? ''}`;
  if (a.t) fn(a.t, at);
  for (let i = 0; i < a.tensors.length; i++) fn(a.tensors[i]!, at);
  if (a.sparseTensor) visitSparse(a.sparseTensor, at, fn);
  for (let i = 0; i < a.sparseTensors.length; i++) visitSparse(a.sparseTensors[i]!, at, fn);
  if (a.g) visitGraphTensors(a.g, fn, at);
  for (let i = 0; i < a.graphs.length; i++) visitGraphTensors(a.graphs[i]!, fn, at);
}

function visitNodes(nodes: NodeProto[], where: string, fn: TensorVisitor): void {
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]!;
    const attributes = node.attribute;
    for (let i = 0; i < attributes.length; i++)
      visitAttribute(attributes[i]!, `${where}/${node.name ?? node.opType}`, fn);
  }
}

export function visitGraphTensors(graph: GraphProto, fn: TensorVisitor, where = 'graph'): void {
  for (let i = 0; i < graph.initializer.length; i++) fn(graph.initializer[i]!, `${where}/initializer`);
  for (let i = 0; i < graph.sparseInitializer.length; i++)
    visitSparse(graph.sparseInitializer[i]!, `${where}/sparse_initializer`, fn);
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
