/**
 * A small static shape inference for what FLOP estimates need: shapes of every tensor, with the values of small
 * integer tensors (shape arithmetic) propagated so that Reshape/Slice/Expand/Resize targets computed at run
 * time resolve. Pure and dependency-free, so `inspect` works on any machine and on models with ops that no
 * runtime here implements; a tensor whose shape cannot be derived is simply left unknown.
 *
 * Declared shapes are used only for graph inputs (symbolic dims bound by the caller) and as a last resort for
 * other tensors: exporters often declare placeholders there.
 */
import { readTensorValues } from '../onnx/tensor-data.js';
import type { GraphProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { inferNode, MAX_VALUE_ELEMENTS, type TensorFacts } from './shape-rules.js';

export { MAX_VALUE_ELEMENTS, type TensorFacts };

/** Options of `inferShapes`. */
export interface ShapeInferenceOptions {
  /** Values for symbolic input dims, e.g. `{ num_mem_tokens: 7232 }`. Unbound ones default to `defaultDim`. */
  dims?: Record<string, number>;
  /** Known values of (small) graph inputs, e.g. `{ num_obj_ptr_tokens: [64] }`. */
  inputValues?: Record<string, number[]>;
  /** Value assumed for unbound symbolic or unknown input dims (default 1). */
  defaultDim?: number;
}

/** Result of `inferShapes`. */
export interface ShapeInference {
  facts: Map<string, TensorFacts>;
  /** Symbolic/unknown input dims that were not bound and got `defaultDim`. */
  assumedDims: Record<string, number>;
}

function tensorFacts(t: TensorProto): TensorFacts {
  const shape = t.dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUE_ELEMENTS || t.dataLocation === 1) return { shape };
  try {
    return { shape, value: Array.from(readTensorValues(t) as ArrayLike<number | bigint>, Number) };
  } catch {
    return { shape };
  }
}

function declaredShape(v: ValueInfoProto | undefined): number[] | undefined {
  const dims = v?.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  const shape = dims.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : Number.NaN));
  return shape.every((d) => Number.isFinite(d)) ? shape : undefined;
}

/** Infers shapes (and small values) of every tensor of `graph`, in node order (graphs are topologically sorted). */
export function inferShapes(graph: GraphProto, options: ShapeInferenceOptions = {}): ShapeInference {
  const facts = new Map<string, TensorFacts>();
  const assumedDims: Record<string, number> = {};
  const fallback = options.defaultDim ?? 1;
  for (const t of graph.initializer) if (t.name) facts.set(t.name, tensorFacts(t));
  for (const input of graph.input) {
    const name = input.name ?? '';
    if (!name || facts.has(name)) continue;
    const dims = input.type?.tensorType?.shape?.dim;
    if (!dims) continue;
    const shape = dims.map((d, i) => {
      if (d.dimValue !== undefined) return Number(d.dimValue);
      const key = d.dimParam || `${name}[${i}]`;
      const bound = options.dims?.[key];
      if (bound !== undefined) return bound;
      assumedDims[key] = fallback;
      return fallback;
    });
    const value = options.inputValues?.[name];
    facts.set(name, value ? { shape, value } : { shape });
  }
  const declared = new Map<string, ValueInfoProto>();
  for (const v of [...graph.valueInfo, ...graph.output]) if (v.name) declared.set(v.name, v);
  for (const node of graph.node) {
    let outputs: (TensorFacts | undefined)[] = [];
    try {
      outputs = inferNode(node, (name) => (name ? facts.get(name) : undefined));
    } catch {
      // A malformed or unexpected node leaves its outputs unknown; inference is best effort.
      outputs = [];
    }
    node.output.forEach((o, i) => {
      if (!o) return;
      const f = outputs[i];
      if (f?.shape?.every((d) => Number.isInteger(d) && d >= 0)) facts.set(o, f);
      else {
        const shape = declaredShape(declared.get(o));
        if (shape) facts.set(o, { shape });
      }
    });
  }
  return { facts, assumedDims };
}
