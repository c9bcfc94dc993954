/**
 * Estimated FLOPs of a model's compute-heavy ops, from static shapes: a multiply-add counts 2.
 * - MatMul with a constant operand (a weight): `matmul`; MatMul of two activations (attention scores and
 *   attention-weighted values, found by data flow, not by names): `attention`.
 * - Gemm: 2*M*N*K. Conv: 2 * output elements * (C_in / group) * kernel size. ConvTranspose: 2 * input
 *   elements * (C_out / group) * kernel size.
 * Elementwise ops, normalisation and softmax are not counted (they are memory-bound, and small next to these).
 */
import type { GraphProto, ModelProto } from '../onnx/types.js';
import { inferShapes, type ShapeInferenceOptions } from './shape-inference.js';

/** FLOP categories reported by `estimateFlops`. */
export type FlopsCategory = 'matmul' | 'attention' | 'gemm' | 'conv' | 'convTranspose';

/** Result of `estimateFlops`. */
export interface FlopsEstimate {
  /** Sum over categories. */
  total: number;
  byCategory: Record<FlopsCategory, number>;
  /** Nodes counted. */
  nodes: number;
  /** Names (or op types) of compute nodes whose shapes could not be derived: the estimate misses them. */
  unresolved: string[];
  /** Symbolic input dims that were not bound and were assumed (bind them with `dims`). */
  assumedDims: Record<string, number>;
}

/** Options of `estimateFlops` (those of the shape inference). */
export type FlopsOptions = ShapeInferenceOptions;

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Tensors computable without any graph input: initializers, Constants and what only they feed. */
function constantTensors(graph: GraphProto): Set<string> {
  const constant = new Set<string>(graph.initializer.map((t) => t.name ?? ''));
  for (const node of graph.node) {
    const inputs = node.input.filter((i) => i !== '');
    if (inputs.every((i) => constant.has(i))) for (const o of node.output) constant.add(o);
  }
  return constant;
}

/** Estimates FLOPs of the main graph of `model` (subgraphs of If/Loop are not counted). */
export function estimateFlops(model: ModelProto, options: FlopsOptions = {}): FlopsEstimate {
  const graph = model.graph!;
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const { facts, assumedDims } = inferShapes(graph, {
    opset: opset === undefined ? undefined : Number(opset),
    ...options,
  });
  const constant = constantTensors(graph);
  const byCategory: Record<FlopsCategory, number> = { matmul: 0, attention: 0, gemm: 0, conv: 0, convTranspose: 0 };
  const unresolved: string[] = [];
  let nodes = 0;
  const shapeOf = (name: string | undefined) => (name ? facts.get(name)?.shape : undefined);
  for (const node of graph.node) {
    const op = node.opType ?? '';
    if (!['MatMul', 'Gemm', 'Conv', 'ConvTranspose'].includes(op)) continue;
    const a = shapeOf(node.input[0]);
    const w = shapeOf(node.input[1]);
    const out = shapeOf(node.output[0]);
    if (!a || !w || !out) {
      unresolved.push(node.name || op);
      continue;
    }
    nodes++;
    if (op === 'MatMul') {
      const k = a[a.length - 1] ?? 1;
      const both = !constant.has(node.input[0]!) && !constant.has(node.input[1]!);
      byCategory[both ? 'attention' : 'matmul'] += 2 * product(out) * k;
    } else if (op === 'Gemm') {
      const transA = node.attribute.find((x) => x.name === 'transA')?.i;
      const k = Number(transA ?? 0) ? a[0]! : a[1]!;
      byCategory.gemm += 2 * product(out) * k;
    } else if (op === 'Conv') {
      byCategory.conv += 2 * product(out) * product(w.slice(1));
    } else {
      byCategory.convTranspose += 2 * product(a) * (w[1] ?? 1) * product(w.slice(2));
    }
  }
  const total = Object.values(byCategory).reduce((s, v) => s + v, 0);
  return { total, byCategory, nodes, unresolved, assumedDims };
}

/** 1.23 GFLOP-style formatting. */
export function formatFlops(flops: number): string {
  const units: [number, string][] = [
    [1e12, 'TFLOP'],
    [1e9, 'GFLOP'],
    [1e6, 'MFLOP'],
    [1e3, 'kFLOP'],
  ];
  for (const [scale, unit] of units) if (flops >= scale) return `${(flops / scale).toFixed(2)} ${unit}`;
  return `${flops} FLOP`;
}
