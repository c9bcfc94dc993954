/**
 * `specializeModel`: binds a model's symbolic input dims (and small integer inputs) to the sizes one run uses,
 * folds every node that becomes constant, and removes what becomes dead. Outputs stay bit-identical to the
 * original's on ONNX Runtime's CPU provider: folded values come from exact kernels (`kernels/`) or from that
 * provider's own kernels (`onnxruntime-fold.ts`).
 *
 * FLOAT16/BFLOAT16 arithmetic is never folded: ONNX Runtime's CPU provider computes FP16 chains in FP32 without
 * rounding between nodes (GPU providers round every node), so no folded FP16 value could match both. Those
 * nodes (a few scalar ops per attention block) stay, with constant inputs, and are listed in the report.
 */
import { cloneMessage } from '../graph/clone.js';
import { Graph, nodeReads } from '../graph/graph.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { defaultOpset } from '../passes/bake/common.js';
import { requireGraph } from '../passes/support/model-checks.js';
import { type Bindings, resolveBindings } from './bind.js';
import { foldWithOnnxRuntime, loadOnnxRuntime, type OnnxRuntimeModule } from './onnxruntime-fold.js';
import { type Fact, type Propagation, propagate } from './propagate.js';
import { type SpecializeReport, specializeReport } from './report.js';
import { type Tensor, tensorToProto } from './tensor.js';
import { unboundError } from './unbound.js';

/** Options of `specializeModel`: the bindings, and how far to fold. */
export interface SpecializeOptions extends Bindings {
  /**
   * Fold constant nodes the exact kernels do not compute (Sin, Cos, Pow, Resize, ...) with onnxruntime-node's
   * CPU provider: `'auto'` (default) imports it when such a node appears and keeps those nodes when it is not
   * installed; `false` keeps them; or pass the imported module.
   */
  onnxruntime?: 'auto' | false | OnnxRuntimeModule;
  /** Largest tensor folded, in elements (default 16,777,216: 64 MiB of FLOAT); larger ones keep their node. */
  maxFoldElements?: number;
  /**
   * Allow symbolic input dims to stay unbound (default false: every one must be bound, so that every shape is
   * known; with true, only what the bound dims decide is folded).
   */
  partial?: boolean;
}

/** Ops that never round, so folding them is exact for FLOAT16/BFLOAT16 tensors too. */
const EXACT_FOR_LOW_FLOATS = new Set([
  'Identity',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Gather',
  'Slice',
  'Transpose',
  'Expand',
  'Tile',
  'Split',
  'Shape',
  'Size',
  'ConstantOfShape',
  'Where',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'Neg',
  'Abs',
  'Sign',
  'Floor',
  'Ceil',
  'Max',
  'Min',
  'Cast',
  'CastLike',
  'ReduceMax',
  'ReduceMin',
]);
const LOW_FLOATS: ReadonlySet<number> = new Set([DataType.FLOAT16, DataType.BFLOAT16]);

function refuseLowFloatMath(node: NodeProto, inputs: readonly (Tensor | undefined)[]): string | undefined {
  if (EXACT_FOR_LOW_FLOATS.has(node.opType ?? '')) return undefined;
  if (!inputs.some((t) => t && LOW_FLOATS.has(t.dataType))) return undefined;
  return 'FLOAT16/BFLOAT16 arithmetic (providers differ in rounding between nodes; see the docs)';
}

/**
 * Specialises `model` to the bound shapes and values (the input is not changed). Deterministic: the same model
 * and options give the same bytes, so results can be cached by a hash of both.
 */
export async function specializeModel(
  input: ModelProto,
  options: SpecializeOptions = {},
): Promise<{ model: ModelProto; report: SpecializeReport }> {
  const model = cloneMessage(input);
  const graph = requireGraph(model, 'specialize');
  const bindings = resolveBindings(graph, options);
  if (bindings.unbound.size && !options.partial) throw unboundError(bindings.unbound);
  const notes = [...bindings.notes];
  const prop = await propagateWithRuntime(model, bindings.facts, bindings.describe, options, notes);
  const before = { nodes: [...graph.node], initializers: [...graph.initializer] };
  rewrite(graph, prop, bindings.constants);
  const report = specializeReport({ before, graph, prop, bound: bindings.inputs, dims: bindings.dims, notes });
  return { model, report };
}

/** Propagation rounds: each evaluates what the exact kernels left pending in ONNX Runtime, then propagates again. */
async function propagateWithRuntime(
  model: ModelProto,
  inputs: Map<string, Fact>,
  describe: (dep: string) => string,
  options: SpecializeOptions,
  notes: string[],
): Promise<Propagation> {
  const graph = model.graph!;
  const resolved = new Map<NodeProto, Tensor[]>();
  const failed = new Map<NodeProto, string>();
  const cache = new Map<NodeProto, readonly Tensor[]>();
  let runtime: OnnxRuntimeModule | undefined | false =
    options.onnxruntime === 'auto' || options.onnxruntime === undefined ? undefined : options.onnxruntime;
  const order = new Graph(graph).topologicalOrder();
  const run = (allowPending: boolean) =>
    propagate(graph, {
      order,
      opset: defaultOpset(model),
      inputs,
      maxElements: options.maxFoldElements ?? 2 ** 24,
      resolved,
      cache,
      allowPending,
      describe,
      refuse: (node, values) => failed.get(node) ?? refuseLowFloatMath(node, values),
    });
  for (;;) {
    const prop = run(runtime !== false);
    if (prop.pending.length === 0) return prop;
    if (runtime === undefined) {
      runtime = (await loadOnnxRuntime()) ?? false;
      if (runtime === false) {
        notes.push('onnxruntime-node is not installed: constant nodes without an exact kernel were kept');
        continue;
      }
    }
    if (runtime === false) continue;
    const constantOf = (name: string) => {
      const f = prop.facts.get(name);
      return f?.constant ? f.value : undefined;
    };
    const results = await evaluateEach(runtime, model, prop.pending, constantOf, failed);
    for (const [node, values] of results) resolved.set(node, values);
    for (const node of prop.pending)
      if (!results.has(node) && !failed.has(node)) failed.set(node, 'ONNX Runtime returned no value');
  }
}

/** One session for all pending nodes; if it fails, one per node, so one bad node does not keep the others. */
async function evaluateEach(
  runtime: OnnxRuntimeModule,
  model: ModelProto,
  nodes: NodeProto[],
  constantOf: (name: string) => Tensor | undefined,
  failed: Map<NodeProto, string>,
): Promise<Map<NodeProto, Tensor[]>> {
  try {
    return await foldWithOnnxRuntime(runtime, model, nodes, constantOf);
  } catch {
    const results = new Map<NodeProto, Tensor[]>();
    for (const node of nodes) {
      try {
        for (const [n, v] of await foldWithOnnxRuntime(runtime, model, [node], constantOf)) results.set(n, v);
      } catch (error) {
        failed.set(node, `ONNX Runtime could not compute it: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return results;
  }
}

/** Edits `graph` in place: folded nodes out, their used values in as initializers, shapes declared, dead code out. */
function rewrite(graph: Required<ModelProto>['graph'], prop: Propagation, constants: Map<string, Tensor>): void {
  const folded = new Set<NodeProto>();
  for (const node of prop.order) {
    const outs = node.output.filter(Boolean);
    if (outs.length && outs.every((o) => prop.facts.get(o)?.value)) folded.add(node);
  }
  const existing = new Set(graph.initializer.map((t) => t.name ?? ''));
  const added: TensorProto[] = [];
  const materialize = (name: string) => {
    if (!name || existing.has(name)) return;
    const fact = prop.facts.get(name);
    if (!fact?.value) return;
    existing.add(name);
    added.push(tensorToProto(name, fact.value));
  };
  graph.input = graph.input.filter((v) => !constants.has(v.name ?? ''));
  const kept = prop.order.filter((n) => !folded.has(n));
  for (const node of kept) for (const name of nodeReads(node)) materialize(name);
  for (const output of graph.output) materialize(output.name ?? '');
  graph.node = graph.node.filter((n) => !folded.has(n));
  graph.initializer.push(...added);
  const shapeOf = (name: string) => prop.facts.get(name)?.shape;
  for (const v of graph.input) declareShape(v, shapeOf(v.name ?? ''));
  for (const v of graph.output) declareShape(v, shapeOf(v.name ?? ''));
  for (const v of graph.valueInfo) declareShape(v, shapeOf(v.name ?? ''));
  new Graph(graph).cleanup();
  const produced = new Set(graph.node.flatMap((n) => n.output));
  graph.valueInfo = graph.valueInfo.filter((v) => produced.has(v.name ?? ''));
}

/** Writes a known shape into a declaration (keeping its element type); unknown shapes stay as declared. */
function declareShape(v: ValueInfoProto, shape: number[] | undefined): void {
  const tensorType = v.type?.tensorType;
  if (!shape || !tensorType) return;
  tensorType.shape = { dim: shape.map((d) => ({ dimValue: d })) };
}
