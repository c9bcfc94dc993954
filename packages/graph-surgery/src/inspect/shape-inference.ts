/**
 * Static shape inference for what FLOP estimates and probes need: shapes of every tensor, computed by the
 * specialisation's propagation (`specialize/propagate.ts`) so that the exporter's shape arithmetic resolves
 * exactly (Shape/Gather/Concat chains, Expand/Tile/Where on shape values, Reshape/Slice/Expand targets computed at
 * run time). Pure and dependency-free, so `inspect` works on any machine and on models with ops no runtime here
 * implements; a tensor whose shape cannot be derived is left unknown, and a node the assumed dims make invalid
 * leaves its outputs unknown instead of failing.
 *
 * Declared shapes are used only for graph inputs (symbolic dims bound by the caller) and as a last resort for
 * other tensors: exporters often declare placeholders there.
 */

import { ToolkitError } from '@tamkit/common';
import { dataTypeName } from '../onnx/tensor-data.js';
import type { GraphProto, ValueInfoProto } from '../onnx/types.js';
import type { BindingConflict } from '../specialize/conflict.js';
import { type Fact, propagate } from '../specialize/propagate.js';
import { allocate, INTEGER_TYPES, numbersOf } from '../specialize/tensor.js';
import { MAX_VALUE_ELEMENTS, type TensorFacts } from './shape-rules.js';

export { MAX_VALUE_ELEMENTS, type TensorFacts };

/** Options of `inferShapes`. */
export interface ShapeInferenceOptions {
  /** Values for symbolic input dims, e.g. `{ num_mem_tokens: 7232 }`. Unbound ones default to `defaultDim`. */
  dims?: Record<string, number>;
  /** Known values of (small) integer graph inputs, e.g. `{ num_obj_ptr_tokens: [64] }`. */
  inputValues?: Record<string, number[]>;
  /** Value assumed for unbound symbolic or unknown input dims (default 1). */
  defaultDim?: number;
  /** Default-domain opset of the model (default 17); only a few opset-dependent checks read it. */
  opset?: number;
}

/** Result of `inferShapes`. */
export interface ShapeInference {
  facts: Map<string, TensorFacts>;
  /** Symbolic/unknown input dims that were not bound and got `defaultDim`. */
  assumedDims: Record<string, number>;
  /** Nodes the (assumed) input shapes make invalid: their outputs are unknown. */
  conflicts: BindingConflict[];
}

const EMPTY: ReadonlySet<string> = new Set();

function inputFact(input: ValueInfoProto, options: ShapeInferenceOptions, assumed: Record<string, number>): Fact {
  const name = input.name ?? '';
  const t = input.type?.tensorType;
  const dims = t?.shape?.dim;
  if (!dims) return { constant: false, deps: EMPTY };
  const shape = dims.map((d, i) => {
    if (d.dimValue !== undefined && Number(d.dimValue) >= 0) return Number(d.dimValue);
    const key = d.dimParam || `${name}[${i}]`;
    const bound = options.dims?.[key];
    if (bound !== undefined) return bound;
    assumed[key] = options.defaultDim ?? 1;
    return assumed[key]!;
  });
  const values = options.inputValues?.[name];
  if (!values) return { shape, constant: false, deps: EMPTY };
  const type = t?.elemType ?? 0;
  if (!INTEGER_TYPES.has(type) || values.length !== shape.reduce((a, b) => a * b, 1))
    throw new ToolkitError(
      'BAD_OPTION',
      `input "${name}" (${dataTypeName(type)}[${shape.join(',')}]) cannot take the values ${values.join(',')}`,
      { remedy: 'Give values only for integer inputs, one per element.' },
    );
  const value = allocate(type, shape);
  values.forEach((v, i) => {
    if (value.data instanceof BigInt64Array || value.data instanceof BigUint64Array) value.data[i] = BigInt(v);
    else value.data[i] = v;
  });
  return { shape, constant: true, value, deps: EMPTY };
}

function declaredShape(v: ValueInfoProto | undefined): number[] | undefined {
  const dims = v?.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  const shape = dims.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : Number.NaN));
  return shape.every((d) => Number.isFinite(d) && d >= 0) ? shape : undefined;
}

/** Infers shapes (and small integer values) of every tensor of `graph` (its main level). */
export function inferShapes(graph: GraphProto, options: ShapeInferenceOptions = {}): ShapeInference {
  const assumedDims: Record<string, number> = {};
  const stored = new Set(graph.initializer.map((t) => t.name ?? ''));
  const inputs = new Map<string, Fact>();
  for (const input of graph.input)
    if (input.name && !stored.has(input.name)) inputs.set(input.name, inputFact(input, options, assumedDims));
  const prop = propagate(graph, {
    opset: options.opset ?? 17,
    inputs,
    maxElements: MAX_VALUE_ELEMENTS,
    lenient: true,
  });
  const declared = new Map<string, ValueInfoProto>();
  for (const v of [...graph.valueInfo, ...graph.output]) if (v.name) declared.set(v.name, v);
  const facts = new Map<string, TensorFacts>();
  for (const [name, fact] of prop.facts) {
    const shape = fact.shape ?? declaredShape(declared.get(name));
    if (!shape) continue;
    // Values of small constants only: reading `value` decodes, and weights are not needed for shapes.
    const small = fact.constant && shape.reduce((a, b) => a * b, 1) <= MAX_VALUE_ELEMENTS;
    const v = small ? fact.value : undefined;
    facts.set(name, v ? { shape, value: numbersOf(v) } : { shape });
  }
  return { facts, assumedDims, conflicts: prop.conflicts };
}
