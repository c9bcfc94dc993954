/**
 * Candidates of the layer-level search: the nodes whose precision matters, grouped where a pattern makes them one
 * unit (an attention score computation, a normalisation chain). Shape arithmetic (Shape, Gather, Concat, integer
 * math...) is left out: it is never a precision choice, and leaving it out keeps n, hence the search, small.
 */

import { ToolkitError } from '@tamkit/common';
import {
  DataType,
  findAttentionScores,
  findNormalizations,
  Graph,
  inferElemTypes,
  type ModelProto,
} from '@tamkit/graph-surgery';

/** Op types whose FP16 computation can lose accuracy or overflow (when they produce FLOAT tensors). */
export const PRECISION_RELEVANT_OPS: readonly string[] = [
  'MatMul',
  'Gemm',
  'Conv',
  'ConvTranspose',
  'Softmax',
  'LayerNormalization',
  'Pow',
  'ReduceMean',
  'ReduceSum',
  'ReduceSumSquare',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Div',
  'Add',
  'Sub',
  'Mul',
  'Erf',
  'Tanh',
  'Sigmoid',
];

/**
 * ONNX Runtime contrib ops `graph-surgery fuse` makes (com.microsoft): precision-relevant like the chains they
 * replace (GELU's erf; SkipLayerNormalization is grouped as a normalisation).
 */
export const PRECISION_RELEVANT_CONTRIB_OPS: readonly string[] = ['Gelu', 'FastGelu', 'BiasGelu'];

/** One unit of the search: nodes that stay FP32 together. */
export interface Candidate {
  /** `attention` / `normalization` for a pattern's nodes, `node` for a single node. */
  kind: 'attention' | 'normalization' | 'node';
  /** A readable label: the node name, or the pattern's key node (scores MatMul, normalisation output node). */
  label: string;
  /** ONNX node names, in graph order. */
  nodes: string[];
}

/** Options of `findCandidates`. */
export interface FindCandidatesOptions {
  /** Group each attention score computation into one candidate (default true). */
  groupAttention?: boolean;
  /** Group each normalisation chain into one candidate (default true). */
  groupNormalization?: boolean;
  /** Op types considered (default `PRECISION_RELEVANT_OPS`). */
  ops?: readonly string[];
}

/**
 * The search candidates of an FP32 model, in topological order of their first node. Nodes must be named (an
 * ONNX export names every node; unnamed nodes could not be written to a plan).
 */
export function findCandidates(model: ModelProto, options: FindCandidatesOptions = {}): Candidate[] {
  const proto = model.graph;
  if (!proto)
    throw new ToolkitError('BISECT_NO_GRAPH', 'bisect: the model has no graph', { remedy: 'Pass an ONNX model file.' });
  const graph = new Graph(proto);
  const order = graph.topologicalOrder();
  const position = new Map(order.map((n, i) => [n.name ?? '', i]));
  const types = inferElemTypes(proto, order);
  const ops = new Set(options.ops ?? PRECISION_RELEVANT_OPS);
  const taken = new Set<string>();
  const candidates: Candidate[] = [];
  const addGroup = (kind: Candidate['kind'], label: string, nodes: readonly string[]) => {
    const fresh = nodes.filter((n) => n && !taken.has(n) && position.has(n));
    if (fresh.length === 0) return;
    for (const n of fresh) taken.add(n);
    candidates.push({ kind, label, nodes: fresh.sort((a, b) => position.get(a)! - position.get(b)!) });
  };
  if (options.groupAttention ?? true) {
    for (const m of findAttentionScores(proto)) addGroup('attention', m.scoresMatMul || m.softmax, m.nodes);
  }
  if (options.groupNormalization ?? true) {
    for (const m of findNormalizations(proto)) addGroup('normalization', m.nodes.at(-1) ?? m.output, m.nodes);
  }
  for (const node of order) {
    const name = node.name ?? '';
    if (!name) {
      throw new ToolkitError('BISECT_UNNAMED_NODE', `bisect: a ${node.opType} node has no name`, {
        remedy: 'Name every node (graph-surgery passes keep names; most exporters name all nodes).',
      });
    }
    const contrib = node.domain === 'com.microsoft' && PRECISION_RELEVANT_CONTRIB_OPS.includes(node.opType ?? '');
    if (taken.has(name) || (!ops.has(node.opType ?? '') && !contrib) || ((node.domain ?? '') !== '' && !contrib))
      continue;
    if (!node.output.some((o) => types.get(o) === DataType.FLOAT)) continue;
    // Nodes fed only by constants are folded by every runtime; their precision is the stored weights'.
    const computed = node.input.some((i) => i && !graph.initializer(i) && graph.producerOf(i)?.opType !== 'Constant');
    if (!computed) continue;
    addGroup('node', name, [name]);
  }
  return candidates.sort((a, b) => position.get(a.nodes[0]!)! - position.get(b.nodes[0]!)!);
}
