/** Checks shared by passes: a model has a graph, named nodes exist, named tensors exist. */
import { ToolkitError } from '@tamkit/common';
import type { Graph } from '../../graph/graph.js';
import type { GraphProto, ModelProto, NodeProto } from '../../onnx/types.js';

export function requireGraph(model: ModelProto, pass: string): GraphProto {
  if (!model.graph) {
    throw new ToolkitError('MODEL_NO_GRAPH', `${pass}: the model has no graph`, {
      remedy: 'Pass a complete ONNX model file.',
    });
  }
  return model.graph;
}

/** The nodes with these names; every name must exist (the error lists the missing ones and a few real names). */
export function resolveNodeNames(graph: Pick<Graph, 'nodes'>, names: readonly string[], what: string): NodeProto[] {
  const byName = new Map(graph.nodes.map((n) => [n.name ?? '', n]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) {
    const sample = graph.nodes
      .slice(0, 3)
      .map((n) => n.name)
      .filter(Boolean);
    throw new ToolkitError('NODE_NOT_FOUND', `${what}: no node named ${missing.map((m) => `"${m}"`).join(', ')}`, {
      remedy: `Use node names as they appear in the model (e.g. ${sample.join(', ') || 'see graph-surgery inspect'}).`,
    });
  }
  return names.map((n) => byName.get(n)!);
}

/** Every tensor name the graph defines: inputs, initializers, node outputs. */
export function definedTensors(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input) if (v.name) names.add(v.name);
  for (const t of graph.initializer) if (t.name) names.add(t.name);
  for (const n of graph.node) for (const o of n.output) if (o) names.add(o);
  return names;
}
