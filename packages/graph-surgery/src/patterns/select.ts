/**
 * Named patterns as the CLIs and passes use them (`--pattern attention-scores`): which nodes an FP32 island
 * covers, which tensors a probe exposes.
 */
import { ToolkitError } from '@tamkit/common';
import type { Graph } from '../graph/graph.js';
import type { GraphProto, NodeProto } from '../onnx/types.js';
import { findAttentionScores } from './attention.js';
import { type MixedPresetOptions, mixedPresetNodes, type PresetNode } from './mixed-preset.js';
import { findNormalizations } from './normalization.js';

/**
 * - `attention-scores`: scale Muls, scores MatMul, scale, mask Add and Softmax (the part that overflows in FP16);
 * - `attention`: the same plus the values MatMul;
 * - `layernorm`: LayerNormalization nodes and the statistics of decomposed chains (ReduceMean..Div: the squares
 *   overflow FP16); the affine Mul/Add stays out (it cannot overflow more than any other layer, and ORT 1.30's
 *   LayerNormFusion mis-types a Cast-fed chain whose affine part is FP32 and refuses the session);
 * - `softmax`: every Softmax node;
 * - `mixed`: the preset a real FP16 stack needs (see `mixed-preset.ts`): attention scores and softmax, the
 *   attention-times-values MatMul where the reduction is long, and layer normalisation (statistics).
 */
export const NODE_PATTERNS = ['attention-scores', 'attention', 'layernorm', 'softmax', 'mixed'] as const;
export type NodePattern = (typeof NODE_PATTERNS)[number];

export function isNodePattern(name: string): name is NodePattern {
  return (NODE_PATTERNS as readonly string[]).includes(name);
}

function unknownPattern(name: string): ToolkitError {
  return new ToolkitError('PATTERN_UNKNOWN', `unknown pattern "${name}"`, {
    remedy: `Use one of: ${NODE_PATTERNS.join(', ')}.`,
  });
}

/** Names of the nodes a pattern covers, in graph order, without duplicates. */
export function nodeNamesOfPattern(graph: GraphProto, pattern: string, options: MixedPresetOptions = {}): string[] {
  return explainPattern(graph, pattern, options).map((n) => n.node);
}

/** The nodes a pattern covers, each with the reason it is covered (the pattern, or the `mixed` preset's reason). */
export function explainPattern(graph: GraphProto, pattern: string, options: MixedPresetOptions = {}): PresetNode[] {
  const names: string[] = [];
  switch (pattern) {
    case 'attention-scores':
      for (const m of findAttentionScores(graph)) names.push(...m.nodes.filter((n) => n !== m.valuesMatMul));
      break;
    case 'attention':
      for (const m of findAttentionScores(graph)) names.push(...m.nodes);
      break;
    case 'layernorm':
      for (const m of findNormalizations(graph)) names.push(...m.nodes.filter((n) => n !== m.scale && n !== m.bias));
      break;
    case 'softmax':
      for (const n of graph.node) if (n.opType === 'Softmax') names.push(n.name ?? '');
      break;
    case 'mixed':
      return mixedPresetNodes(graph, options);
    default:
      throw unknownPattern(pattern);
  }
  return [...new Set(names)].map((node) => ({ node, reason: `pattern ${pattern}` }));
}

/** Tensors a probe of the pattern exposes: attention logits and probabilities, normalisation outputs, Softmax outputs. */
export function tensorsOfPattern(graph: GraphProto, pattern: string): string[] {
  const tensors: string[] = [];
  switch (pattern) {
    case 'attention-scores':
    case 'attention':
      for (const m of findAttentionScores(graph)) tensors.push(m.logits, m.probabilities);
      break;
    case 'layernorm':
      for (const m of findNormalizations(graph)) tensors.push(m.output);
      break;
    case 'mixed':
      for (const m of findAttentionScores(graph)) tensors.push(m.logits, m.probabilities);
      for (const m of findNormalizations(graph)) tensors.push(m.output);
      break;
    case 'softmax':
      for (const n of graph.node) if (n.opType === 'Softmax') tensors.push(n.output[0] ?? '');
      break;
    default:
      throw unknownPattern(pattern);
  }
  return [...new Set(tensors)];
}

/** Gives every unnamed node a unique name, so patterns and reports can refer to it (edits the graph). */
export function nameUnnamedNodes(graph: Graph): number {
  let named = 0;
  for (const n of graph.nodes) {
    if (n.name) continue;
    n.name = graph.uniqueName(`/${n.opType ?? 'node'}`);
    named++;
  }
  return named;
}

/** The nodes of `graph` with these names (names assumed to exist). */
export function nodesNamed(graph: Graph, names: Iterable<string>): Set<NodeProto> {
  const wanted = new Set(names);
  return new Set(graph.nodes.filter((n) => wanted.has(n.name ?? '')));
}
