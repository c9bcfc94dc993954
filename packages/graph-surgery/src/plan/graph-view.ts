import type { ModelProto } from '../onnx/types.js';

/** The little of an ONNX graph that plans and command lines need: node names, op types and tensor names. */
export interface GraphNodeView {
  /** ONNX node name; may be empty in files from careless exporters. */
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

export interface GraphView {
  /** Nodes in file order (ONNX requires topological order). */
  nodes: GraphNodeView[];
  /** Graph input names (initializers excluded). */
  inputs: string[];
  outputs: string[];
}

/** The plain view of a decoded graph that plans and command lines use. */
export function graphViewOf(model: ModelProto): GraphView {
  const g = model.graph;
  if (!g) return { nodes: [], inputs: [], outputs: [] };
  const initializers = new Set(g.initializer.map((t) => t.name));
  return {
    nodes: g.node.map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      inputs: [...n.input],
      outputs: [...n.output],
    })),
    inputs: g.input.map((i) => i.name ?? '').filter((n) => !initializers.has(n)),
    outputs: g.output.map((o) => o.name ?? ''),
  };
}
