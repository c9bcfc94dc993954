/**
 * FP32 islands in an FP16 or BF16 graph: chosen nodes compute in FLOAT, with Casts in and out (back to the
 * graph's own 16-bit type). With TensorRT 11 (no --fp16/--bf16, no --layerPrecisions) the graph's types are the
 * only way to set per-layer precision. Nodes are those of the main graph; what If/Loop/Scan bodies read from an
 * island is cast for them.
 */
import { ToolkitError } from '@tamkit/common';
import { cloneMessage } from '../graph/clone.js';
import { Graph } from '../graph/graph.js';
import { DataType, type ModelProto } from '../onnx/types.js';
import type { MixedPresetOptions } from '../patterns/mixed-preset.js';
import { explainPattern, nameUnnamedNodes, nodesNamed } from '../patterns/select.js';
import { computeRegionInFloat32, removeCancellingCasts } from './support/casts.js';
import { inferElemTypes } from './support/elem-types.js';
import { requireGraph, resolveNodeNames } from './support/model-checks.js';
import { defaultOpset } from './support/subgraph-types.js';

export interface Fp32IslandOptions {
  /** Names of nodes to compute in FP32 (default none). */
  nodes?: readonly string[];
  /**
   * Patterns whose nodes compute in FP32: attention-scores, attention, layernorm, softmax, mixed (default none).
   * A pattern that matches nothing in this model is a note in the report, not an error: one preset serves all
   * modules of a tracker, and memory_encoder has no attention.
   */
  patterns?: readonly string[];
  /** Options of the `mixed` preset (long-reduction threshold, bound symbolic dims). */
  preset?: MixedPresetOptions;
}

export interface Fp32IslandReport {
  /** Names of the nodes now computing in FP32. */
  nodes: string[];
  /** Why each node computes in FP32: `named`, `pattern <p>`, or the `mixed` preset's reason. */
  reasons: Record<string, string>;
  /** Patterns that matched nothing here, and what that meant (e.g. the model left unchanged). */
  notes: string[];
  castsIn: number;
  castsOut: number;
  castsRemoved: number;
}

/** Makes the chosen nodes of an FP16 or BF16 model compute in FP32 (the input model is not changed). */
export function insertFp32Islands(
  input: ModelProto,
  options: Fp32IslandOptions,
): { model: ModelProto; report: Fp32IslandReport } {
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'fp32-islands');
  const graph = new Graph(proto);
  nameUnnamedNodes(graph);
  const opset = defaultOpset(model);
  const types = inferElemTypes(proto, graph.topologicalOrder(), undefined, opset);
  const present = new Set(types.values());
  if (!present.has(DataType.FLOAT16) && !present.has(DataType.BFLOAT16)) {
    throw new ToolkitError('FP32_ISLANDS_NOT_FP16', 'fp32-islands: the model has no FLOAT16 or BFLOAT16 tensors', {
      remedy:
        'Convert the model first (graph-surgery fp16 or bf16), or use --fp32-nodes of those commands on the FP32 original.',
    });
  }
  const reasons: Record<string, string> = {};
  for (const n of options.nodes ?? []) reasons[n] = 'named';
  const notes: string[] = [];
  for (const p of options.patterns ?? []) {
    const found = explainPattern(proto, p, options.preset);
    if (found.length === 0) notes.push(`pattern "${p}" matches no node of this model`);
    for (const { node, reason } of found) reasons[node] ??= reason;
  }
  if (!options.nodes?.length && !options.patterns?.length) {
    throw new ToolkitError('FP32_ISLANDS_EMPTY', 'fp32-islands: no nodes chosen', {
      remedy: 'Name nodes with --fp32-nodes or choose --fp32-patterns.',
    });
  }
  const names = Object.keys(reasons);
  if (names.length === 0) {
    notes.push('no node chosen: the model is unchanged');
    return { model, report: { nodes: [], reasons, notes, castsIn: 0, castsOut: 0, castsRemoved: 0 } };
  }
  resolveNodeNames(graph, names, 'fp32-islands');
  const region = nodesNamed(graph, names);
  const casts = computeRegionInFloat32(graph, region, undefined, 'changed', { opset });
  const castsRemoved = removeCancellingCasts(graph, undefined, opset);
  return {
    model,
    report: { nodes: names, reasons, notes, castsIn: casts.castsIn, castsOut: casts.castsOut, castsRemoved },
  };
}
