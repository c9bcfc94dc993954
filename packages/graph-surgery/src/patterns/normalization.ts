/**
 * Finder for layer normalisation: the LayerNormalization op, ONNX Runtime's fused SkipLayerNormalization
 * (com.microsoft, what `graph-surgery fuse` makes of a residual Add + LayerNormalization), and the decomposed
 * chain exporters emit for LayerNorm2d and friends: ReduceMean -> Sub -> Pow -> ReduceMean -> Add(eps) -> Sqrt ->
 * Div, optionally followed by the affine Mul(weight) -> Add(bias).
 */
import { Graph } from '../graph/graph.js';
import type { GraphProto, NodeProto } from '../onnx/types.js';

export interface NormalizationMatch {
  kind: 'LayerNormalization' | 'SkipLayerNormalization' | 'decomposed';
  /** Every node of the match in data-flow order. */
  nodes: string[];
  /** The normalised tensor. */
  input: string;
  /** The result (after the affine part when it is part of the match). */
  output: string;
  /** Roles of the decomposed chain (node names). */
  mean?: string;
  sub?: string;
  pow?: string;
  variance?: string;
  addEpsilon?: string;
  sqrt?: string;
  div?: string;
  /** The affine Mul (weight) and Add (bias), when present. */
  scale?: string;
  bias?: string;
}

const isOp = (n: NodeProto | undefined, op: string): n is NodeProto & { opType: string } =>
  n !== undefined && (n.domain ?? '') === '' && n.opType === op;

/** Finds every layer normalisation of the graph (top level). */
export function findNormalizations(graphProto: GraphProto): NormalizationMatch[] {
  const graph = new Graph(graphProto);
  const matches: NormalizationMatch[] = [];
  for (const node of graphProto.node) {
    const fused = node.domain === 'com.microsoft' && node.opType === 'SkipLayerNormalization';
    if (isOp(node, 'LayerNormalization') || fused) {
      matches.push({
        kind: fused ? 'SkipLayerNormalization' : 'LayerNormalization',
        nodes: [node.name ?? ''],
        input: node.input[0] ?? '',
        output: node.output[0] ?? '',
      });
    } else if (isOp(node, 'ReduceMean')) {
      const m = matchDecomposed(graph, node);
      if (m) matches.push(m);
    }
  }
  return matches;
}

/** The single consumer of `tensor` with op `op`, if that is what reads it. */
function next(graph: Graph, tensor: string, op: string): NodeProto | undefined {
  return graph.consumersOf(tensor).find((c) => isOp(c, op));
}

function matchDecomposed(graph: Graph, mean: NodeProto): NormalizationMatch | undefined {
  const x = mean.input[0] ?? '';
  const meanOut = mean.output[0] ?? '';
  const sub = graph.consumersOf(meanOut).find((c) => isOp(c, 'Sub') && c.input[0] === x && c.input[1] === meanOut);
  if (!sub) return undefined;
  const centred = sub.output[0] ?? '';
  const pow = next(graph, centred, 'Pow');
  const div = graph.consumersOf(centred).find((c) => isOp(c, 'Div') && c.input[0] === centred);
  if (!pow || !div) return undefined;
  const variance = next(graph, pow.output[0] ?? '', 'ReduceMean');
  const addEpsilon = variance && next(graph, variance.output[0] ?? '', 'Add');
  const sqrt = addEpsilon && next(graph, addEpsilon.output[0] ?? '', 'Sqrt');
  if (!sqrt || div.input[1] !== sqrt.output[0]) return undefined;
  const chain = [mean, sub, pow, variance!, addEpsilon!, sqrt, div];
  let output = div.output[0] ?? '';
  const readers = graph.consumersOf(output);
  const scale =
    readers.length === 1 && isOp(readers[0], 'Mul') && isParameter(graph, readers[0], output) ? readers[0] : undefined;
  let bias: NodeProto | undefined;
  if (scale) {
    chain.push(scale);
    output = scale.output[0] ?? '';
    const after = graph.consumersOf(output);
    if (after.length === 1 && isOp(after[0], 'Add') && isParameter(graph, after[0], output)) {
      bias = after[0];
      chain.push(bias);
      output = bias.output[0] ?? '';
    }
  }
  const name = (n: NodeProto | undefined) => n?.name ?? '';
  const match: NormalizationMatch = {
    kind: 'decomposed',
    nodes: chain.map(name),
    input: x,
    output,
    mean: name(mean),
    sub: name(sub),
    pow: name(pow),
    variance: name(variance),
    addEpsilon: name(addEpsilon),
    sqrt: name(sqrt),
    div: name(div),
  };
  if (scale) match.scale = name(scale);
  if (bias) match.bias = name(bias);
  return match;
}

/** True when the other operand of `node` (not `data`) is a stored parameter: an initializer or a Constant. */
function isParameter(graph: Graph, node: NodeProto, data: string): boolean {
  const other = node.input.find((t) => t !== data);
  if (other === undefined) return false;
  if (graph.initializer(other)) return true;
  const p = graph.producerOf(other);
  if (isOp(p, 'Constant')) return true;
  // LayerNorm2d weights are often reshaped ([C] -> [C,1,1]) by Unsqueeze/Reshape of an initializer.
  return (isOp(p, 'Unsqueeze') || isOp(p, 'Reshape')) && graph.initializer(p.input[0] ?? '') !== undefined;
}
