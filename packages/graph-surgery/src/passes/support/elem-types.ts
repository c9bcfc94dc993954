/**
 * Element-type inference for the tensors of one graph: enough for passes that must know which tensors are
 * float (FP16 conversion, FP32 islands, emulation, probes). Shapes are not inferred; declared value_info is
 * used only where an op's output type cannot be derived from its inputs and attributes.
 */
import { getAttribute, getInt } from '../../graph/attributes.js';
import type { GraphProto, NodeProto } from '../../onnx/types.js';
import { DataType } from '../../onnx/types.js';

/** Ops whose outputs are always BOOL. */
const BOOL_OPS = new Set([
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);

/** Ops whose outputs are always INT64. */
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

/** Ops whose output type is that of input `n` (0 unless listed). */
const TYPE_FROM_INPUT: Record<string, number> = { Where: 1, OneHot: 2 };

/** Ops whose `dtype` attribute, when present, sets the output type (default FLOAT for the non-Like forms). */
const DTYPE_OPS: Record<string, 'float' | 'input'> = {
  RandomNormal: 'float',
  RandomUniform: 'float',
  RandomNormalLike: 'input',
  RandomUniformLike: 'input',
  EyeLike: 'input',
  Bernoulli: 'input',
};

/**
 * ONNX Runtime contrib ops the fusion passes create (com.microsoft), typed like their input; SkipLayerNormalization's
 * optional mean and inverse-std outputs (1, 2) are FLOAT whatever the input.
 */
const MS_SAME_TYPE_OPS = new Set(['Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu', 'SkipLayerNormalization']);

/** The element types a node's outputs get, given a lookup of tensor types; undefined where unknown. */
export function outputTypesOf(node: NodeProto, typeOf: (name: string) => number | undefined): (number | undefined)[] {
  const op = node.opType ?? '';
  const first = node.input.find((i) => i !== '' && typeOf(i) !== undefined);
  const fromFirst = first === undefined ? undefined : typeOf(first);
  const all = (t: number | undefined) => node.output.map(() => t);
  if (node.domain === 'com.microsoft' && MS_SAME_TYPE_OPS.has(op)) {
    return node.output.map((_, k) =>
      op === 'SkipLayerNormalization' && (k === 1 || k === 2) ? DataType.FLOAT : fromFirst,
    );
  }
  if (node.domain && node.domain !== 'ai.onnx') return all(undefined);
  if (op === 'Cast') return all(getInt(node, 'to', DataType.FLOAT) as number);
  if (op === 'CastLike') return all(typeOf(node.input[1] ?? ''));
  if (BOOL_OPS.has(op)) return all(DataType.BOOL);
  if (INT64_OPS.has(op)) return all(DataType.INT64);
  if (op === 'TopK') return [typeOf(node.input[0] ?? ''), DataType.INT64];
  if (op === 'Constant') return [constantType(node)];
  if (op === 'ConstantOfShape') return [getAttribute(node, 'value')?.t?.dataType ?? DataType.FLOAT];
  if (op in DTYPE_OPS) {
    const dtype = getAttribute(node, 'dtype');
    if (dtype) return all(Number(dtype.i ?? DataType.FLOAT));
    return all(DTYPE_OPS[op] === 'float' ? DataType.FLOAT : fromFirst);
  }
  if (op === 'LayerNormalization') {
    const stash = Number(getInt(node, 'stash_type', DataType.FLOAT));
    return node.output.map((_, k) => (k === 0 ? typeOf(node.input[0] ?? '') : stash));
  }
  if (op in TYPE_FROM_INPUT) return all(typeOf(node.input[TYPE_FROM_INPUT[op]!] ?? ''));
  if (op === 'If' || op === 'Loop' || op === 'Scan') return controlFlowOutputTypes(node);
  if (op === 'MaxPool' || op === 'Dropout') return node.output.map((_, k) => (k === 0 ? fromFirst : undefined));
  return all(fromFirst);
}

/**
 * If/Loop/Scan outputs take the types their body declares: If's from then_branch, Loop's from the body outputs
 * after `cond`, Scan's from the body outputs in order (states, then scan outputs).
 */
function controlFlowOutputTypes(node: NodeProto): (number | undefined)[] {
  const op = node.opType;
  const body = getAttribute(node, op === 'If' ? 'then_branch' : 'body')?.g;
  const skip = op === 'Loop' ? 1 : 0;
  return node.output.map((_, k) => body?.output[k + skip]?.type?.tensorType?.elemType || undefined);
}

function constantType(node: NodeProto): number | undefined {
  for (const a of node.attribute) {
    switch (a.name) {
      case 'value':
        return a.t?.dataType;
      case 'value_float':
      case 'value_floats':
        return DataType.FLOAT;
      case 'value_int':
      case 'value_ints':
        return DataType.INT64;
      case 'value_string':
      case 'value_strings':
        return DataType.STRING;
    }
  }
  return undefined;
}

/**
 * Element type of every tensor in `graph` (top level): graph inputs and initializers as declared, node
 * outputs by the op's typing rule in topological order, falling back to declared value_info/outputs. For a
 * subgraph, `outerTypes` gives the types of what it reads from enclosing scopes (they are in the result too).
 */
export function inferElemTypes(
  graph: GraphProto,
  nodesInOrder: readonly NodeProto[] = graph.node,
  outerTypes?: ReadonlyMap<string, number>,
): Map<string, number> {
  // A subgraph reads tensors of its enclosing scopes: they start known, and local names override them.
  const types = new Map<string, number>(outerTypes ?? []);
  const declared = new Map<string, number>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const t = v.type?.tensorType?.elemType;
    if (v.name && t) declared.set(v.name, t);
  }
  for (const v of graph.input) {
    const t = v.type?.tensorType?.elemType;
    if (v.name && t) types.set(v.name, t);
  }
  for (const t of graph.initializer) if (t.name && t.dataType) types.set(t.name, t.dataType);
  const typeOf = (n: string) => types.get(n) ?? declared.get(n);
  for (const node of nodesInOrder) {
    const outs = outputTypesOf(node, typeOf);
    node.output.forEach((o, k) => {
      const t = outs[k] ?? declared.get(o);
      if (o && t !== undefined) types.set(o, t);
    });
  }
  return types;
}
