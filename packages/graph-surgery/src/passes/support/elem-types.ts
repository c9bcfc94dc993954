/**
 * Element-type inference for the tensors of one graph: enough for passes that must know which tensors are
 * float (FP16 conversion, FP32 islands, emulation, probes). Output types follow the ONNX operator schemas
 * (onnx/op-schemas.ts); a sequence or optional value has the element type of the tensors it holds. Shapes are not
 * inferred; declared value_info is used only where an op's output type cannot be derived from its inputs and
 * attributes.
 */
import { getAttribute, getInt } from '../../graph/attributes.js';
import {
  Arity,
  elemTypeOf,
  elemTypeOfTypeString,
  formalAt,
  isDefaultDomain,
  opSchema,
  SCHEMA_MAX_OPSET,
} from '../../onnx/op-schemas.js';
import type { GraphProto, NodeProto } from '../../onnx/types.js';
import { DataType } from '../../onnx/types.js';

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

/** Ops whose output type is an attribute (name, type when absent), not bound to an input. */
const TYPE_ATTRIBUTE_OPS: Record<string, [string, number]> = {
  HannWindow: ['output_datatype', DataType.FLOAT],
  HammingWindow: ['output_datatype', DataType.FLOAT],
  BlackmanWindow: ['output_datatype', DataType.FLOAT],
  MelWeightMatrix: ['output_datatype', DataType.FLOAT],
  SequenceEmpty: ['dtype', DataType.FLOAT],
  Multinomial: ['dtype', DataType.INT32],
};

/** Ops whose output holds the elements of their first input (or the input is the element): same element type. */
const ELEMENTS_OF_FIRST_INPUT: ReadonlySet<string> = new Set([
  'SequenceAt',
  'SequenceConstruct',
  'SplitToSequence',
  'ConcatFromSequence',
  'OptionalGetElement',
]);

/**
 * Output types from the op's schema at `opset`: a fixed type (`tensor(int64)`), the type of the first input bound to
 * the same type constraint, or the constraint's only allowed type. Undefined where none of these decides.
 */
function schemaOutputTypes(
  node: NodeProto,
  opset: number,
  typeOf: (name: string) => number | undefined,
): (number | undefined)[] | undefined {
  const schema = opSchema(node.opType ?? '', opset);
  if (!schema) return undefined;
  return node.output.map((_, k) => {
    const formal = formalAt(schema.outputs, k);
    if (!formal) return undefined;
    const allowed = schema.constraints.get(formal.type);
    if (!allowed) return elemTypeOfTypeString(formal.type);
    if (formal.arity !== Arity.VariadicMixed) {
      for (const [i, input] of node.input.entries()) {
        const bound = formalAt(schema.inputs, i);
        if (input && bound?.type === formal.type && bound.arity !== Arity.VariadicMixed) {
          const t = typeOf(input);
          if (t !== undefined) return t;
        }
      }
    }
    return allowed.size === 1 ? [...allowed][0] : undefined;
  });
}

/**
 * The element types a node's outputs get, given a lookup of tensor types; undefined where unknown. Ops whose output
 * type is an attribute or a subgraph's are read from it; the rest follow the op's ONNX schema at `opset` (default:
 * the newest the schema table knows); ops with no schema keep their first known input's type.
 */
export function outputTypesOf(
  node: NodeProto,
  typeOf: (name: string) => number | undefined,
  opset: number = SCHEMA_MAX_OPSET,
): (number | undefined)[] {
  const op = node.opType ?? '';
  const first = node.input.find((i) => i !== '' && typeOf(i) !== undefined);
  const fromFirst = first === undefined ? undefined : typeOf(first);
  const all = (t: number | undefined) => node.output.map(() => t);
  if (node.domain === 'com.microsoft' && MS_SAME_TYPE_OPS.has(op)) {
    return node.output.map((_, k) =>
      op === 'SkipLayerNormalization' && (k === 1 || k === 2) ? DataType.FLOAT : fromFirst,
    );
  }
  if (!isDefaultDomain(node.domain)) return all(undefined);
  if (op === 'Cast') return all(getInt(node, 'to', DataType.FLOAT) as number);
  if (op === 'CastLike') return all(typeOf(node.input[1] ?? ''));
  if (op === 'Constant') return [constantType(node)];
  if (op === 'ConstantOfShape') return [getAttribute(node, 'value')?.t?.dataType ?? DataType.FLOAT];
  if (op in DTYPE_OPS) {
    const dtype = getAttribute(node, 'dtype');
    if (dtype) return all(Number(dtype.i ?? DataType.FLOAT));
    return all(DTYPE_OPS[op] === 'float' ? DataType.FLOAT : fromFirst);
  }
  if (op in TYPE_ATTRIBUTE_OPS) {
    const [name, fallback] = TYPE_ATTRIBUTE_OPS[op]!;
    return all(Number(getInt(node, name, fallback)));
  }
  if (op === 'QuantizeLinear') {
    const zeroPoint = node.input[2] ? typeOf(node.input[2]) : undefined;
    return all(zeroPoint ?? Number(getInt(node, 'output_dtype', DataType.UINT8) || DataType.UINT8));
  }
  if (op === 'DequantizeLinear') {
    const dtype = Number(getInt(node, 'output_dtype', 0));
    return all(dtype || typeOf(node.input[1] ?? '') || DataType.FLOAT);
  }
  if (ELEMENTS_OF_FIRST_INPUT.has(op)) return all(fromFirst);
  if (op === 'Optional') return all(elemTypeOf(getAttribute(node, 'type')?.tp) ?? fromFirst);
  if (op === 'LayerNormalization') {
    const stash = Number(getInt(node, 'stash_type', DataType.FLOAT));
    return node.output.map((_, k) => (k === 0 ? typeOf(node.input[0] ?? '') : stash));
  }
  if (op === 'If' || op === 'Loop' || op === 'Scan') return controlFlowOutputTypes(node);
  return schemaOutputTypes(node, opset, typeOf) ?? all(fromFirst);
}

/**
 * If/Loop/Scan outputs take the types their body declares: If's from then_branch, Loop's from the body outputs
 * after `cond`, Scan's from the body outputs in order (states, then scan outputs).
 */
function controlFlowOutputTypes(node: NodeProto): (number | undefined)[] {
  const op = node.opType;
  const body = getAttribute(node, op === 'If' ? 'then_branch' : 'body')?.g;
  const skip = op === 'Loop' ? 1 : 0;
  return node.output.map((_, k) => elemTypeOf(body?.output[k + skip]?.type));
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
  opset: number = SCHEMA_MAX_OPSET,
): Map<string, number> {
  // A subgraph reads tensors of its enclosing scopes: they start known, and local names override them.
  const types = new Map<string, number>(outerTypes ?? []);
  const declared = new Map<string, number>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const t = elemTypeOf(v.type);
    if (v.name && t) declared.set(v.name, t);
  }
  for (const v of graph.input) {
    const t = elemTypeOf(v.type);
    if (v.name && t) types.set(v.name, t);
  }
  for (const t of graph.initializer) if (t.name && t.dataType) types.set(t.name, t.dataType);
  const typeOf = (n: string) => types.get(n) ?? declared.get(n);
  for (const node of nodesInOrder) {
    const outs = outputTypesOf(node, typeOf, opset);
    node.output.forEach((o, k) => {
      const t = outs[k] ?? declared.get(o);
      if (o && t !== undefined) types.set(o, t);
    });
  }
  return types;
}
