/**
 * Finder for attention score computations, in both forms exporters produce:
 * - scaled scores: MatMul(q, k^T) -> Mul|Div(scale) -> [Add mask] -> Softmax -> MatMul(v)
 * - pre-scaled q and k (PyTorch 2.x scaled_dot_product_attention): Mul(q, s), Mul(k^T, s) -> MatMul -> [Add mask]
 *   -> Softmax -> MatMul(v), the scale computed at run time (Shape -> Cast -> Sqrt -> Div -> Sqrt)
 * and the unscaled MatMul -> [Add] -> Softmax -> MatMul.
 */
import { Graph } from '../graph/graph.js';
import type { GraphProto, NodeProto } from '../onnx/types.js';

export type AttentionForm = 'scaled-scores' | 'prescaled-qk' | 'unscaled';

/** One attention score computation. Roles are node names (empty for unnamed nodes). */
export interface AttentionMatch {
  form: AttentionForm;
  /** Every node of the match in data-flow order (scale Muls, scores MatMul, scale, mask Add, Softmax, values MatMul). */
  nodes: string[];
  /** MatMul(q, k^T) producing the raw scores. */
  scoresMatMul: string;
  /** Mul or Div applying the scale to the scores (scaled-scores form). */
  scale?: string;
  /** Mul scaling q before the scores MatMul (prescaled-qk form). */
  queryScale?: string;
  /** Mul scaling k^T before the scores MatMul (prescaled-qk form). */
  keyScale?: string;
  /** Add of an additive attention mask or bias. */
  maskAdd?: string;
  softmax: string;
  /** MatMul(probabilities, v). */
  valuesMatMul: string;
  /** The tensor the Softmax reads (the logits that overflow in FP16). */
  logits: string;
  /** The Softmax output. */
  probabilities: string;
}

const nameOf = (n: NodeProto | undefined) => n?.name ?? '';
const isOp = (n: NodeProto | undefined, ...ops: string[]): n is NodeProto & { opType: string } =>
  n !== undefined && (n.domain ?? '') === '' && ops.includes(n.opType ?? '');

/** Finds every attention score computation of the graph (top level), in file order of the Softmax. */
export function findAttentionScores(graphProto: GraphProto): AttentionMatch[] {
  const graph = new Graph(graphProto);
  const matches: AttentionMatch[] = [];
  for (const softmax of graphProto.node) {
    if (!isOp(softmax, 'Softmax')) continue;
    const probabilities = softmax.output[0] ?? '';
    const valuesMatMul = graph
      .consumersOf(probabilities)
      .find((c) => isOp(c, 'MatMul') && c.input[0] === probabilities);
    if (!valuesMatMul) continue;
    const logits = softmax.input[0] ?? '';
    let scores = logits;
    let maskAdd: NodeProto | undefined;
    const beforeSoftmax = graph.producerOf(logits);
    if (isOp(beforeSoftmax, 'Add')) {
      // The scores side is the operand that leads to a MatMul (directly or through the scale).
      const side = beforeSoftmax.input.find((t) => leadsToScores(graph, t));
      if (!side) continue;
      maskAdd = beforeSoftmax;
      scores = side;
    }
    let producer = graph.producerOf(scores);
    let scale: NodeProto | undefined;
    if (isOp(producer, 'Mul', 'Div')) {
      const matmulInput = producer.input.find(
        (t, i) => isOp(graph.producerOf(t), 'MatMul') && (i === 0 || producer!.opType === 'Mul'),
      );
      if (!matmulInput) continue;
      scale = producer;
      producer = graph.producerOf(matmulInput);
    }
    if (!isOp(producer, 'MatMul')) continue;
    const scoresMatMul = producer;
    const queryScale = scale ? undefined : scalingMul(graph, scoresMatMul.input[0] ?? '');
    const keyScale = scale ? undefined : scalingMul(graph, scoresMatMul.input[1] ?? '');
    const form: AttentionForm = scale ? 'scaled-scores' : queryScale || keyScale ? 'prescaled-qk' : 'unscaled';
    const ordered = [queryScale, keyScale, scoresMatMul, scale, maskAdd, softmax, valuesMatMul].filter(
      (n): n is NodeProto & { opType: string } => n !== undefined,
    );
    const match: AttentionMatch = {
      form,
      nodes: ordered.map(nameOf),
      scoresMatMul: nameOf(scoresMatMul),
      softmax: nameOf(softmax),
      valuesMatMul: nameOf(valuesMatMul),
      logits,
      probabilities,
    };
    if (scale) match.scale = nameOf(scale);
    if (queryScale) match.queryScale = nameOf(queryScale);
    if (keyScale) match.keyScale = nameOf(keyScale);
    if (maskAdd) match.maskAdd = nameOf(maskAdd);
    matches.push(match);
  }
  return matches;
}

function leadsToScores(graph: Graph, tensor: string): boolean {
  const p = graph.producerOf(tensor);
  if (isOp(p, 'MatMul')) return true;
  return isOp(p, 'Mul', 'Div') && p.input.some((t) => isOp(graph.producerOf(t), 'MatMul'));
}

/**
 * The Mul scaling one operand of the scores MatMul, if any: the Mul producing it directly, or the Mul feeding a
 * Transpose that produces it (k is sometimes scaled before being transposed). Only a Mul whose output feeds
 * nothing but this path counts, so a shared projection is never claimed.
 */
function scalingMul(graph: Graph, operand: string): NodeProto | undefined {
  let p = graph.producerOf(operand);
  if (isOp(p, 'Transpose')) p = graph.producerOf(p.input[0] ?? '');
  if (!isOp(p, 'Mul')) return undefined;
  return graph.consumersOf(p.output[0] ?? '').length === 1 ? p : undefined;
}
