/**
 * The `mixed` preset: the nodes a real FP16 stack must compute in FP32 for an EfficientTAM / SAM 2 export to stay
 * within 1% of FP32, each with the reason it is kept.
 *
 * - attention scores: the q/k scaling, the scores MatMul, a mask Add and the Softmax (logits overflow FP16, and a
 *   fused kernel's exp() of unnormalised scores overflows above ~11);
 * - the attention-times-values MatMul where its reduction is long: GPU FP16 kernels accumulate that dot product
 *   in FP16, and over thousands of keys the rounding of the running sum piles up (memory_attention with a full
 *   bank of 7232 memory tokens: 3.0e-2 relative L2 on WebGPU with FP32 scores alone, 2.9e-3 with these MatMuls
 *   in FP32 too). A reduction counts as long when its key count is at least `longReduction` (default 2048), when
 *   it follows a symbolic input dim that is not bound (it can grow without limit), or when it cannot be derived;
 * - layer normalisation: LayerNormalization nodes, and the statistics of decomposed chains (the squares overflow).
 */
import { inferShapes } from '../inspect/shape-inference.js';
import { DataType, type GraphProto } from '../onnx/types.js';
import { type AttentionMatch, findAttentionScores } from './attention.js';
import { findNormalizations } from './normalization.js';

/** Options of the `mixed` preset. */
export interface MixedPresetOptions {
  /** Key count from which an attention-times-values MatMul stays FP32 (default 2048). */
  longReduction?: number;
  /**
   * Values of symbolic input dims (e.g. `{ num_points: 2 }`); a values MatMul whose key count follows an unbound
   * symbolic dim is kept FP32, as the dim may be large (default none bound).
   */
  dims?: Record<string, number>;
  /**
   * Values of small integer inputs (e.g. `{ num_obj_ptr_tokens: [64] }`). Integer scalar inputs not given here are
   * taken as 0: in these modules they steer slicing (which tokens get RoPE), not how many keys there are.
   */
  inputValues?: Record<string, number[]>;
}

/** One node the preset keeps in FP32 and why. */
export interface PresetNode {
  node: string;
  reason: string;
}

/** Default key count from which the values MatMul of an attention stays FP32. */
export const LONG_REDUCTION = 2048;

/**
 * Sizes tried for unbound symbolic dims until every key count resolves: 1 suits prompt counts; token counts
 * are often reshaped by a feature grid (memory_attention views its keys as frames of 32x32), so multiples of
 * 1024 come next.
 */
const BASE_SIZES = [1, 1024, 8192];

/** How many keys an attention-times-values MatMul sums over, and which unbound symbolic dims that count follows. */
export interface ReductionLength {
  /** Key count with unbound symbolic dims at a base size; undefined when shape inference cannot tell. */
  keys?: number;
  /** Unbound symbolic input dims the key count changes with. */
  follows: string[];
}

function unboundDims(graph: GraphProto, bound: Record<string, number>): string[] {
  const names = new Set<string>();
  for (const input of graph.input)
    for (const d of input.type?.tensorType?.shape?.dim ?? [])
      if (d.dimValue === undefined && d.dimParam && bound[d.dimParam] === undefined) names.add(d.dimParam);
  return [...names].sort();
}

/** INT32/INT64 graph inputs of rank 0 or [1], each taken as 0 (they steer slicing, not how many tokens there are). */
export function scalarIntegerInputs(graph: GraphProto): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  for (const input of graph.input) {
    const type = input.type?.tensorType;
    const dims = type?.shape?.dim ?? [];
    const integer = type?.elemType === DataType.INT64 || type?.elemType === DataType.INT32;
    if (integer && (dims.length === 0 || (dims.length === 1 && Number(dims[0]?.dimValue) === 1)))
      values[input.name ?? ''] = [0];
  }
  return values;
}

/** Key counts of the values MatMuls of `matches` (keyed by node name): the second-to-last dim of the values. */
export function valuesReductionLengths(
  graph: GraphProto,
  matches: readonly AttentionMatch[],
  options: Pick<MixedPresetOptions, 'dims' | 'inputValues'> = {},
): Map<string, ReductionLength> {
  const dims = options.dims ?? {};
  const inputValues = { ...scalarIntegerInputs(graph), ...options.inputValues };
  const valuesOf = new Map<string, string>();
  for (const m of matches) {
    const node = graph.node.find((n) => n.name === m.valuesMatMul);
    if (node?.input[1]) valuesOf.set(m.valuesMatMul, node.input[1]);
  }
  const keysAt = (binding: Record<string, number>) => {
    const { facts } = inferShapes(graph, { dims: binding, inputValues });
    return (tensor: string) => facts.get(tensor)?.shape?.at(-2);
  };
  const unbound = unboundDims(graph, dims);
  const bind = (size: number) => ({ ...Object.fromEntries(unbound.map((d) => [d, size])), ...dims });
  // The first base size under which every key count resolves (or the last one tried).
  let size = BASE_SIZES[0]!;
  let base = keysAt(bind(size));
  for (const next of BASE_SIZES.slice(1)) {
    if ([...valuesOf.values()].every((v) => base(v) !== undefined)) break;
    size = next;
    base = keysAt(bind(size));
  }
  // A key count follows a dim when doubling that dim (which keeps any grid divisibility) changes it.
  const probes = unbound.map((d) => ({ dim: d, keys: keysAt({ ...bind(size), [d]: 2 * size }) }));
  const lengths = new Map<string, ReductionLength>();
  for (const [node, values] of valuesOf) {
    const keys = base(values);
    const follows = probes.filter((p) => p.keys(values) !== keys).map((p) => p.dim);
    lengths.set(node, keys === undefined ? { follows } : { keys, follows });
  }
  return lengths;
}

function valuesReason(length: ReductionLength | undefined, threshold: number): string | undefined {
  if (!length || length.keys === undefined)
    return 'attention-times-values MatMul: key count unknown (shape inference cannot derive it), kept to be safe';
  if (length.follows.length > 0)
    return `attention-times-values MatMul: sums over keys that grow with ${length.follows.join(', ')} (unbound)`;
  if (length.keys >= threshold)
    return `attention-times-values MatMul: sums over ${length.keys} keys (>= ${threshold}), FP16 accumulation drifts`;
  return undefined;
}

/** The nodes the `mixed` preset keeps in FP32, in graph order of their attention/normalisation, with reasons. */
export function mixedPresetNodes(graph: GraphProto, options: MixedPresetOptions = {}): PresetNode[] {
  const threshold = options.longReduction ?? LONG_REDUCTION;
  const kept = new Map<string, string>();
  const keep = (node: string | undefined, reason: string) => {
    if (node && !kept.has(node)) kept.set(node, reason);
  };
  const attention = findAttentionScores(graph);
  const lengths = valuesReductionLengths(graph, attention, options);
  for (const m of attention) {
    for (const node of [m.queryScale, m.keyScale, m.scoresMatMul, m.scale, m.maskAdd])
      keep(node, `attention scores (${m.form})`);
    keep(m.softmax, 'attention softmax');
    const reason = valuesReason(lengths.get(m.valuesMatMul), threshold);
    if (reason) keep(m.valuesMatMul, reason);
  }
  for (const m of findNormalizations(graph))
    for (const node of m.nodes)
      if (node !== m.scale && node !== m.bias)
        keep(node, m.kind === 'LayerNormalization' ? 'layer normalisation' : 'layer normalisation statistics');
  return [...kept].map(([node, reason]) => ({ node, reason }));
}
