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

/**
 * The name TensorRT's ONNX parser gives the layer made from a node: the node name, or, for an unnamed node,
 * `node_of_<first output>` (onnx-tensorrt's naming).
 */
export function trtLayerName(node: GraphNodeView): string {
  return node.name.length > 0 ? node.name : `node_of_${node.outputs[0] ?? ''}`;
}
