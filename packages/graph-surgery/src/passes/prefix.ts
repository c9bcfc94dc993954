/**
 * A prefix of a model: its first nodes in topological order, every one of them still executed. Crash bisection
 * uses it: when a runtime dies somewhere in a model, the first prefix that dies ends at the node that kills it.
 */
import { cloneMessage } from '../graph/clone.js';
import { Graph, nodeReads } from '../graph/graph.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { probeTensors } from './probe.js';
import { requireGraph } from './support/model-checks.js';

export interface NodePrefix {
  model: ModelProto;
  /** The last node kept: the one a crash of this prefix, but not of the one before, points at. */
  lastNode: NodeProto;
}

/** The nodes of `model` in the order `keepNodePrefix` counts them (topological, ties in file order). */
export function nodesInOrder(model: ModelProto): NodeProto[] {
  return new Graph(requireGraph(model, 'prefix')).topologicalOrder();
}

/**
 * Keeps the first `count` nodes (topological order) and makes every tensor they produce but no kept node reads a
 * graph output (through `probeTensors`), so that a runtime runs all of them rather than only the ancestors of the
 * original outputs. Original outputs the prefix still produces stay; the others go. The input is not changed.
 */
export function keepNodePrefix(input: ModelProto, count: number): NodePrefix {
  const order = nodesInOrder(input);
  if (!Number.isInteger(count) || count < 1 || count > order.length) {
    throw new RangeError(`count must be an integer in [1, ${order.length}], got ${count}`);
  }
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'prefix');
  // Indices, not objects: the clone has its own nodes in file order, the same order `order` was computed from.
  const position = new Map(input.graph!.node.map((n, i) => [n, i]));
  const kept = order.slice(0, count).map((n) => proto.node[position.get(n)!]!);
  const produced = new Set(kept.flatMap((n) => n.output.filter(Boolean)));
  const producedAnywhere = new Set(proto.node.flatMap((n) => n.output.filter(Boolean)));
  proto.node = kept;
  proto.output = proto.output.filter((o) => produced.has(o.name ?? '') || !producedAnywhere.has(o.name ?? ''));
  const read = new Set(kept.flatMap(nodeReads));
  const outputs = new Set(proto.output.map((o) => o.name ?? ''));
  const dangling = [...produced].filter((t) => !read.has(t) && !outputs.has(t));
  const probed = dangling.length === 0 ? model : probeTensors(model, { tensors: dangling }).model;
  new Graph(requireGraph(probed, 'prefix')).cleanup();
  return { model: probed, lastNode: kept.at(-1)! };
}
