/**
 * Shape and value propagation through one graph: every tensor gets its shape where it follows from the inputs'
 * (bound) shapes, and its value where it is constant (initializers, Constants, bound inputs, and whatever only
 * they feed, Shape/Size of tensors whose shape is known included). Values are computed by the exact kernels
 * of `kernels/`; a constant node they cannot compute is returned as pending, for the caller to evaluate
 * elsewhere (ONNX Runtime) and run the propagation again with its results (`resolved`).
 *
 * Every fact carries the bound names it follows from, so that a node the bindings make invalid is reported
 * with the bindings that did it.
 */
import { Graph, subgraphsOf } from '../graph/graph.js';
import { inferNode, type TensorFacts } from '../inspect/shape-rules.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { type BindingConflict, BindingConflictError, GraphConflict } from './conflict.js';
import { OP_RULES } from './kernels/index.js';
import type { KernelContext } from './kernels/types.js';
import { int64Tensor, numbersOf, product, type Tensor, tensorFromProto } from './tensor.js';

/** What is known of one tensor. */
export interface Fact {
  /** Concrete dims, when known. */
  shape?: number[];
  /** Whether the tensor is constant (its value may still be unknown here: see `value`). */
  constant: boolean;
  /** The value of a constant tensor, when computed. */
  value?: Tensor;
  /** Names of the bindings (dims, inputs) this tensor's shape or value follows from. */
  deps: ReadonlySet<string>;
}

/** Why a node with constant inputs was not folded. */
export interface KeptNode {
  node: string;
  op: string;
  reason: string;
}

export interface PropagationOptions {
  /** Default-domain opset of the model. */
  opset: number;
  /** The graph's nodes in topological order, when the caller has it already (default: computed). */
  order?: NodeProto[];
  /** Facts of the graph inputs (bound shapes and values); inputs not listed have unknown shapes. */
  inputs: ReadonlyMap<string, Fact>;
  /** Compute constants of at most this many elements (larger ones keep their node). */
  maxElements: number;
  /** Results computed elsewhere for nodes an earlier run returned as pending. */
  resolved?: ReadonlyMap<NodeProto, readonly Tensor[]>;
  /** Node outputs computed by an earlier run (reused, so a second run does not recompute). */
  cache?: Map<NodeProto, readonly Tensor[]>;
  /** Says why a node with constant inputs must not be folded, or undefined when it may be. */
  refuse?: (node: NodeProto, inputs: readonly (Tensor | undefined)[]) => string | undefined;
  /** Whether constant nodes without an exact kernel may be returned as pending (default false: kept). */
  allowPending?: boolean;
  /** Describes a binding for error messages, e.g. `num_mem_tokens=7232`. */
  describe?: (dep: string) => string;
  /**
   * Leave the outputs of a node the inputs make invalid unknown and go on, instead of throwing
   * `BindingConflictError` (default false). For estimates (inspect) over dims assumed rather than bound.
   */
  lenient?: boolean;
}

export interface Propagation {
  facts: Map<string, Fact>;
  /** Nodes in the order they were visited (topological). */
  order: NodeProto[];
  /** Constant nodes whose values must be computed elsewhere (ONNX Runtime). */
  pending: NodeProto[];
  /** Constant nodes left in the graph, with the reason. */
  kept: KeptNode[];
  /** How each folded node was computed. */
  computedBy: Map<NodeProto, 'kernel' | 'shape' | 'constant' | 'resolved'>;
  /** With `lenient`: the nodes found invalid (their outputs were left unknown). */
  conflicts: BindingConflict[];
}

const EMPTY: ReadonlySet<string> = new Set();
const NONDETERMINISTIC = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

function union(sets: readonly ReadonlySet<string>[]): ReadonlySet<string> {
  const nonEmpty = sets.filter((s) => s.size > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const out = new Set<string>();
  for (const s of nonEmpty) for (const d of s) out.add(d);
  return out;
}

/** The value a Constant node holds, or undefined for the forms that cannot be held here (strings, sparse). */
export function constantValue(node: NodeProto): Tensor | undefined {
  const a = node.attribute[0];
  if (!a) return undefined;
  switch (a.name) {
    case 'value':
      return a.t ? tensorFromProto(a.t) : undefined;
    case 'value_float':
      return { dataType: DataType.FLOAT, dims: [], data: Float32Array.of(a.f ?? 0) };
    case 'value_floats':
      return { dataType: DataType.FLOAT, dims: [a.floats.length], data: Float32Array.from(a.floats) };
    case 'value_int':
      return int64Tensor([a.i ?? 0], []);
    case 'value_ints':
      return int64Tensor(a.ints);
    default:
      return undefined;
  }
}

/** Facts of the initializers: constant, shapes from their dims, values decoded when first needed. */
function initializerFacts(graph: GraphProto, overridable: ReadonlySet<string>): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  for (const t of graph.initializer) {
    if (!t.name) continue;
    const shape = t.dims.map(Number);
    if (overridable.has(t.name)) facts.set(t.name, { shape, constant: false, deps: EMPTY });
    else facts.set(t.name, lazyConstant(t, shape));
  }
  return facts;
}

function lazyConstant(proto: TensorProto, shape: number[]): Fact {
  let decoded: Tensor | undefined | null = null;
  return {
    shape,
    constant: true,
    deps: EMPTY,
    get value() {
      if (decoded === null) decoded = tensorFromProto(proto);
      return decoded;
    },
  };
}

/** Propagates shapes and values through `graph` (its main level; subgraph nodes are treated as opaque). */
export function propagate(graph: GraphProto, options: PropagationOptions): Propagation {
  const inputNames = new Set(graph.input.map((v) => v.name ?? ''));
  const facts = initializerFacts(graph, inputNames);
  for (const [name, fact] of options.inputs) facts.set(name, fact);
  const order = options.order ?? new Graph(graph).topologicalOrder();
  const result: Propagation = { facts, order, pending: [], kept: [], computedBy: new Map(), conflicts: [] };
  const ctxOf = (node: NodeProto): KernelContext => ({ node, opset: options.opset });
  for (const node of order) {
    const ins = node.input.map((i) => (i ? facts.get(i) : undefined));
    const deps = union(ins.map((f) => f?.deps ?? EMPTY));
    try {
      const outs = evaluateNode(node, ins, deps, ctxOf(node), options, result);
      node.output.forEach((o, k) => {
        if (o) facts.set(o, outs[k] ?? { constant: false, deps });
      });
    } catch (error) {
      if (!(error instanceof GraphConflict)) throw error;
      const conflict = conflictError(node, error, deps, options.describe);
      if (!options.lenient) throw conflict;
      result.conflicts.push(conflict.detail);
      for (const o of node.output) if (o) facts.set(o, { constant: false, deps });
    }
  }
  return result;
}

/** Constants shape rules may read (Reshape targets, Slice bounds, axes, Resize scales); weights are never decoded for a shape. */
const SHAPE_VALUE_LIMIT = 4096;
function shapeValue(f: Fact | undefined): Tensor | undefined {
  return f?.constant && f.shape && product(f.shape) <= SHAPE_VALUE_LIMIT ? f.value : undefined;
}

function constantFacts(values: readonly Tensor[], deps: ReadonlySet<string>): Fact[] {
  return values.map((value) => ({ shape: value.dims, constant: true, value, deps }));
}

function evaluateNode(
  node: NodeProto,
  ins: readonly (Fact | undefined)[],
  deps: ReadonlySet<string>,
  ctx: KernelContext,
  options: PropagationOptions,
  result: Propagation,
): Fact[] {
  const op = node.opType ?? '';
  const opaque = (node.domain && node.domain !== 'ai.onnx') || subgraphsOf(node).length > 0 || NONDETERMINISTIC.has(op);
  if (op === 'Constant' && !opaque) {
    const value = constantValue(node);
    result.computedBy.set(node, 'constant');
    return value ? constantFacts([value], EMPTY) : [{ constant: true, deps: EMPTY }];
  }
  const rule = opaque ? undefined : OP_RULES[op];
  const shapes = ins.map((f) => f?.shape);
  if (rule?.fromShapes) {
    const fromShapes = rule.fromShapes(shapes, ctx);
    if (fromShapes) {
      result.computedBy.set(node, 'shape');
      return constantFacts(fromShapes, deps);
    }
  }
  const outShapes = shapesOf(node, rule?.shape(shapes, ins.map(shapeValue), ctx), ins);
  const present = ins.filter((_, i) => node.input[i]);
  const allConstant = !opaque && present.length > 0 && present.every((f) => f?.constant);
  if (!allConstant) return outShapes.map((shape) => ({ shape, constant: false, deps }));
  const keep = (reason: string): Fact[] => {
    result.kept.push({ node: node.name ?? '', op, reason });
    return outShapes.map((shape) => ({ shape, constant: false, deps }));
  };
  const cached = options.resolved?.get(node) ?? options.cache?.get(node);
  if (cached) {
    result.computedBy.set(node, options.resolved?.has(node) ? 'resolved' : 'kernel');
    return constantFacts(cached, deps);
  }
  const largest = Math.max(0, ...outShapes.map((s) => (s ? product(s) : 0)));
  if (largest > options.maxElements) return keep(`output of ${largest} elements is over the folding limit`);
  const known = ins.map((f) => (f?.constant ? f.value : undefined));
  if (known.some((v, i) => node.input[i] && !v)) return keep('an input constant could not be held (type or size)');
  const refusal = options.refuse?.(node, known);
  if (refusal) return keep(refusal);
  const computed = rule?.kernel && runKernel(() => rule.kernel!(known, ctx));
  if (computed?.every((t) => product(t.dims) <= options.maxElements)) {
    options.cache?.set(node, computed);
    result.computedBy.set(node, 'kernel');
    return constantFacts(computed, deps);
  }
  if (options.allowPending && !opaque) {
    result.pending.push(node);
    return outShapes.map((shape) => ({ shape, constant: false, deps }));
  }
  return keep(opaque ? 'control flow, another domain or a random op' : 'no exact kernel here (needs ONNX Runtime)');
}

/**
 * A kernel's result. A typed-array error (inputs of mixed element types, an impossible size) means the inputs do
 * not fit the op: a conflict like any other, never a crash of the caller.
 */
function runKernel(kernel: () => Tensor[] | undefined): Tensor[] | undefined {
  try {
    return kernel();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError)
      throw new GraphConflict(`the inputs do not fit the op (${error.message})`);
    throw error;
  }
}

/** Output shapes from the op rule, or else from inspect's shape rules (compute ops: MatMul, Conv, Resize, ...). */
function shapesOf(
  node: NodeProto,
  fromRule: (number[] | undefined)[] | undefined,
  ins: readonly (Fact | undefined)[],
): (number[] | undefined)[] {
  if (fromRule && fromRule.length === node.output.length && fromRule.every((s) => s)) return fromRule;
  let inferred: (TensorFacts | undefined)[] = [];
  try {
    inferred = inferNode(node, (name) => {
      const f = ins[node.input.indexOf(name)];
      if (!f) return undefined;
      const v = shapeValue(f);
      return v ? { shape: f.shape, value: numbersOf(v) } : { shape: f.shape };
    });
  } catch {
    // A malformed node leaves its outputs unknown; its consumers are left unknown too.
  }
  return node.output.map((_, k) => {
    const s = fromRule?.[k] ?? inferred[k]?.shape;
    return s?.every((d) => Number.isInteger(d) && d >= 0) ? s : undefined;
  });
}

function conflictError(
  node: NodeProto,
  conflict: GraphConflict,
  deps: ReadonlySet<string>,
  describe?: (d: string) => string,
) {
  return new BindingConflictError({
    node: node.name ?? '',
    op: node.opType ?? '',
    conflict: conflict.message,
    bindings: [...deps].sort().map((d) => describe?.(d) ?? d),
  });
}
